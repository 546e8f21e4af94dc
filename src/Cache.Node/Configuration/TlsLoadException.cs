namespace Cache.Node.Configuration;

/// <summary>A TLS file that could not be loaded; the message names the option and the file.</summary>
internal sealed class TlsLoadException : Exception
{
    public TlsLoadException(string message)
        : base(message)
    {
    }

    public TlsLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
