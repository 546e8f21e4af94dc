namespace Cache.Node.Configuration;

/// <summary>The tls-* options.</summary>
internal static partial class NodeOptionsValidator
{
    private static string? ValidateTls(NodeOptions options)
    {
        if (options.TlsPort is < 0 or > 65535)
        {
            return $"--tls-port must be between 0 and 65535, not {options.TlsPort}";
        }

        if (TlsOptionValues.ParseAuthClients(options.TlsAuthClients) is null)
        {
            return $"--tls-auth-clients must be yes, no or optional, not '{options.TlsAuthClients}'";
        }

        if (TlsOptionValues.ParseProtocols(options.TlsProtocols) is null)
        {
            return $"--tls-protocols must list TLSv1.2 and/or TLSv1.3, not '{options.TlsProtocols}'";
        }

        if (!TlsOptionValues.TryParseCipherSuites(options.TlsCipherSuites, out _))
        {
            return $"--tls-ciphersuites must be IANA cipher suite names separated by ':' (e.g. TLS_AES_256_GCM_SHA384), not '{options.TlsCipherSuites}'";
        }

        if (!TlsOptionValues.IsYesNo(options.TlsCluster) || !TlsOptionValues.IsYesNo(options.TlsReplication))
        {
            return "--tls-cluster and --tls-replication must be yes or no";
        }

        if (options.TlsPort is null)
        {
            return TlsOptionValues.IsYes(options.TlsCluster) ? "--tls-cluster yes needs --tls-port (peers connect to it)" : null;
        }

        if (string.IsNullOrEmpty(options.TlsCertFile) || string.IsNullOrEmpty(options.TlsKeyFile))
        {
            return "--tls-port needs --tls-cert-file and --tls-key-file";
        }

        if (string.IsNullOrEmpty(options.TlsClientCertFile) != string.IsNullOrEmpty(options.TlsClientKeyFile))
        {
            return "--tls-client-cert-file and --tls-client-key-file go together";
        }

        var verifies = !string.Equals(options.TlsAuthClients, "no", StringComparison.OrdinalIgnoreCase) || TlsOptionValues.IsYes(options.TlsCluster);
        if (verifies && string.IsNullOrEmpty(options.TlsCaCertFile) && string.IsNullOrEmpty(options.TlsCaCertDir))
        {
            return "--tls-auth-clients yes/optional and --tls-cluster yes verify certificates: give --tls-ca-cert-file or --tls-ca-cert-dir";
        }

        if (options.LocalCluster > 0 && options.TlsPort != 0)
        {
            return "--local-cluster needs --tls-port 0 (a free TLS port per node)";
        }

        return null;
    }
}
