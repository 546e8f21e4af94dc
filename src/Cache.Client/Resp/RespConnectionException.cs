namespace Cache.Client.Resp;

/// <summary>The connection failed or was closed; the request may or may not have run.</summary>
internal sealed class RespConnectionException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public RespConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RespConnectionException()
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RespConnectionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
