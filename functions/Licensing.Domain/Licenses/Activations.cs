using System.Security.Cryptography;
using System.Text;

namespace Licensing.Domain.Licenses;

public static class Activations
{
    /// <summary>A stable activation id derived from what is activated, so re-activating the same thing finds the same slot.</summary>
    public static string IdFor(string normalizedTarget) =>
        "act_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedTarget)).AsSpan(0, 10));
}
