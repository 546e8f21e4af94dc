namespace Cache.Node.Configuration;

/// <summary>The paths of the TLS files, as last set (options or CONFIG SET).</summary>
internal sealed record TlsFiles(string? CertFile, string? KeyFile, string? CaCertFile, string? CaCertDir, string? ClientCertFile, string? ClientKeyFile)
{
    /// <summary>Every file a load reads, in a fixed order (the CA folder's certificates included).</summary>
    public IEnumerable<string> All()
    {
        foreach (var path in new[] { CertFile, KeyFile, CaCertFile, ClientCertFile, ClientKeyFile })
        {
            if (path is not null)
            {
                yield return path;
            }
        }

        if (CaCertDir is not null && Directory.Exists(CaCertDir))
        {
            foreach (var path in TlsMaterial.CaDirFiles(CaCertDir))
            {
                yield return path;
            }
        }
    }
}
