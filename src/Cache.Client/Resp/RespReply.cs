using System.Globalization;
using System.Text;

namespace Cache.Client.Resp;

/// <summary>One reply from a RESP server.</summary>
internal sealed class RespReply
{
    private RespReply(RespReplyKind kind, byte[]? bytes = null, long integer = 0, RespReply[]? items = null)
    {
        Kind = kind;
        Bytes = bytes;
        Integer = integer;
        Items = items;
    }

    /// <summary>The shared null reply.</summary>
    public static RespReply Null { get; } = new(RespReplyKind.Null);

    /// <summary>The reply's RESP type.</summary>
    public RespReplyKind Kind { get; }

    /// <summary>Payload of simple, bulk, error and double replies.</summary>
    public byte[]? Bytes { get; }

    /// <summary>Value of integer (and boolean: 1/0) replies.</summary>
    public long Integer { get; }

    /// <summary>Elements of arrays and maps (maps: key, value, key, value...).</summary>
    public IReadOnlyList<RespReply>? Items { get; }

    /// <summary>True for a null reply.</summary>
    public bool IsNull => Kind == RespReplyKind.Null;

    /// <summary>True for an error reply.</summary>
    public bool IsError => Kind == RespReplyKind.Error;

    /// <summary>The payload as UTF-8 text, or null.</summary>
    public string? Text => Bytes is null ? null : Encoding.UTF8.GetString(Bytes);

    internal static RespReply Simple(byte[] bytes) => new(RespReplyKind.SimpleString, bytes);

    internal static RespReply Error(byte[] bytes) => new(RespReplyKind.Error, bytes);

    internal static RespReply Bulk(byte[] bytes) => new(RespReplyKind.BulkString, bytes);

    internal static RespReply Number(long value) => new(RespReplyKind.Integer, integer: value);

    internal static RespReply Double(byte[] bytes) => new(RespReplyKind.Double, bytes);

    internal static RespReply Boolean(bool value) => new(RespReplyKind.Boolean, integer: value ? 1 : 0);

    internal static RespReply Aggregate(RespReplyKind kind, RespReply[] items) => new(kind, items: items);

    /// <summary>Throws <see cref="RespServerException"/> when this is an error reply.</summary>
    public RespReply ThrowIfError() => IsError ? throw new RespServerException(Text!) : this;

    /// <summary>A readable rendering, like redis-cli's.</summary>
    public override string ToString() => Kind switch
    {
        RespReplyKind.Null => "(nil)",
        RespReplyKind.Integer or RespReplyKind.Boolean => Integer.ToString(CultureInfo.InvariantCulture),
        RespReplyKind.Array or RespReplyKind.Map => "[" + string.Join(", ", Items!) + "]",
        RespReplyKind.Error => "ERR(" + Text + ")",
        _ => Text ?? "",
    };
}
