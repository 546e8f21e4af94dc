using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>MONITOR's line: Redis' timestamp, origin, sdscatrepr quoting and redaction.</summary>
public sealed class MonitorLineTests
{
    private static readonly DateTimeOffset Now = new(2031, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    [Fact]
    public void A_line_has_seconds_micros_db_origin_and_quoted_arguments()
    {
        var line = Format("127.0.0.1:5000", "set", "foo", "bar baz");
        Assert.Equal($"+{Now.ToUnixTimeSeconds()}.535000 [0 127.0.0.1:5000] \"set\" \"foo\" \"bar baz\"\r\n", line);
    }

    [Fact]
    public void Unprintable_bytes_and_quotes_are_escaped_as_sdscatrepr_does()
    {
        var text = new StringBuilder();
        MonitorRegistry.AppendRepr(text, [0, (byte)'"', (byte)'\\', (byte)'\n', (byte)'\r', (byte)'\t', 7, 8, 0xff, (byte)'a']);
        Assert.Equal("\"\\x00\\\"\\\\\\n\\r\\t\\a\\b\\xffa\"", text.ToString());
    }

    [Fact]
    public void Auth_and_hello_auth_secrets_are_redacted()
    {
        Assert.EndsWith("] \"auth\" \"(redacted)\" \"(redacted)\"\r\n", Format("x", "auth", "user", "secret"), StringComparison.Ordinal);
        Assert.EndsWith("] \"hello\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n",
            Format("x", "hello", "3", "AUTH", "user", "secret", "SETNAME", "n"), StringComparison.Ordinal);
        Assert.EndsWith("] \"hello\" \"3\"\r\n", Format("x", "hello", "3"), StringComparison.Ordinal);
    }

    private static string Format(string origin, params string[] args)
    {
        var bytes = Cache.Node.Tests.Infrastructure.RespTestClient.Encode(args);
        var parser = new RequestParser(new ProtocolLimits());
        Assert.Equal(ParseStatus.Complete, parser.TryParse(new System.Buffers.ReadOnlySequence<byte>(bytes), out var request, out _));
        return Encoding.Latin1.GetString(MonitorRegistry.Format(Now, origin, request));
    }
}
