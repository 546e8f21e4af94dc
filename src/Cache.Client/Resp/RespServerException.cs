namespace Cache.Client.Resp;

/// <summary>The server answered with an error reply (e.g. <c>WRONGTYPE ...</c>).</summary>
internal sealed class RespServerException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public RespServerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RespServerException()
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RespServerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
