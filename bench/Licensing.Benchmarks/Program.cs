using BenchmarkDotNet.Running;

namespace Licensing.Benchmarks;

// dotnet run -c Release --project bench/Licensing.Benchmarks -- --filter '*' [--job short]
public static class BenchmarkProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
