using System.Net.Security;
using System.Security.Authentication;

namespace Cache.Node.Configuration;

/// <summary>Parses the tls-* values as Redis spells them; null means not valid.</summary>
internal static class TlsOptionValues
{
    public static TlsAuthClients? ParseAuthClients(string? text) => text?.ToLowerInvariant() switch
    {
        "yes" => TlsAuthClients.Yes,
        "no" => TlsAuthClients.No,
        "optional" => TlsAuthClients.Optional,
        _ => null,
    };

    public static string Format(TlsAuthClients value) => value switch
    {
        TlsAuthClients.No => "no",
        TlsAuthClients.Optional => "optional",
        _ => "yes",
    };

    /// <summary>"TLSv1.2 TLSv1.3" (Redis' default; either alone). Older versions are not offered.</summary>
    public static SslProtocols? ParseProtocols(string? text)
    {
        var protocols = SslProtocols.None;
        foreach (var part in (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "tlsv1.2":
                    protocols |= SslProtocols.Tls12;
                    break;
                case "tlsv1.3":
                    protocols |= SslProtocols.Tls13;
                    break;
                default:
                    return null;
            }
        }

        return protocols == SslProtocols.None ? null : protocols;
    }

    /// <summary>
    /// Cipher suites by their IANA names, ':'-separated (TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256,
    /// as OpenSSL spells the TLS 1.3 ones); empty: the system's defaults. Returns false for an unknown name.
    /// </summary>
    public static bool TryParseCipherSuites(string? text, out CipherSuitesPolicy? policy)
    {
        policy = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (OperatingSystem.IsWindows())
        {
            // Windows takes its cipher suites from the system policy only.
            return false;
        }

        var suites = new List<TlsCipherSuite>();
        foreach (var name in text.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!name.StartsWith("TLS_", StringComparison.Ordinal) || !Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite))
            {
                return false;
            }

            suites.Add(suite);
        }

        policy = new CipherSuitesPolicy(suites);
        return true;
    }

    public static CipherSuitesPolicy? ParseCipherSuites(string? text) => TryParseCipherSuites(text, out var policy) ? policy : null;

    public static bool IsYes(string? text) => string.Equals(text, "yes", StringComparison.OrdinalIgnoreCase);

    public static bool IsYesNo(string? text) => text is not null && (IsYes(text) || string.Equals(text, "no", StringComparison.OrdinalIgnoreCase));
}
