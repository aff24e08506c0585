// A desktop tool licensed per machine. Run the backend (scripts/run.sh), issue a license, then:
//   dotnet run --project sdk/dotnet/examples/DesktopApp -- <license key> [api base] [jwks file]
using System.Security.Cryptography;
using System.Text;
using Licensing.Client;

var key = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("LICENSE_KEY") ?? "";
var api = new Uri(args.Length > 1 ? args[1] : "http://127.0.0.1:7071/api/");
// Ship the JWKS inside the app (fetched once from GET /v1/keys at build time): the root keys check keys and
// certificates offline. Here it is read from a file or fetched for the demo.
var jwks = args.Length > 2 ? File.ReadAllText(args[2]) : await new HttpClient().GetStringAsync(new Uri(api, "v1/keys"));

// A stable machine fingerprint: hashed, so nothing identifying leaves the machine.
var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName + "|" + Environment.UserName)))[..32];
var store = new FileCertificateStore(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "DesktopApp", "license"));

using var client = new LicenseClient(new LicenseClientOptions { BaseUrl = api, PinnedJwks = jwks, Store = store });
var state = await client.CheckAsync(key, fingerprint: fingerprint);
if (!state.IsValid && state.Code == "FINGERPRINT_MISMATCH")
    state = await client.ActivateAsync(key, fingerprint: fingerprint, name: Environment.MachineName);

Console.WriteLine(state.IsValid
    ? $"Licensed ({(state.Offline ? "offline grace until " + state.Certificate!.ExpiresAt : "online")}); export enabled: {client.HasFeature("export")}"
    : $"Not licensed: {state.Code} — {state.Detail}");
return state.IsValid ? 0 : 1;
