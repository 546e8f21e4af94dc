namespace Cache.Client.Resp;

/// <summary>The RESP2/RESP3 type of a reply.</summary>
internal enum RespReplyKind
{
    /// <summary><c>+OK</c></summary>
    SimpleString,

    /// <summary><c>-ERR ...</c></summary>
    Error,

    /// <summary><c>:42</c></summary>
    Integer,

    /// <summary><c>$5 hello</c> (and RESP3 verbatim strings)</summary>
    BulkString,

    /// <summary><c>$-1</c>, <c>*-1</c> or RESP3 <c>_</c></summary>
    Null,

    /// <summary><c>*N</c>, RESP3 sets and pushes</summary>
    Array,

    /// <summary>RESP3 <c>%N</c>: items hold keys and values alternately</summary>
    Map,

    /// <summary>RESP3 <c>,1.5</c></summary>
    Double,

    /// <summary>RESP3 <c>#t</c></summary>
    Boolean,

    /// <summary>RESP3 <c>&gt;N</c>: an out-of-band push (invalidation, pub/sub), not a reply to a request</summary>
    Push,
}
