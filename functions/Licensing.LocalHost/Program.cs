using Licensing.LocalHost;

// The local host: the function app's classes on Kestrel (http://127.0.0.1:7071/api unless --urls says otherwise).
await LocalFunctionsHost.Build(args).RunAsync();
