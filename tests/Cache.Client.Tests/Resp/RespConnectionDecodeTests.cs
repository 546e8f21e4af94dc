using System.Text;
using Cache.Client.Resp;

namespace Cache.Client.Tests.Resp;

/// <summary>One connection reads each reply the way its request asked: decoded as scanned, relayed as bytes, or built.</summary>
public sealed class RespConnectionDecodeTests
{
    private const string Page = "*2\r\n$1\r\n5\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n";

    [Fact]
    public async Task Pipelined_requests_get_their_replies_each_in_its_own_shape()
    {
        await using var server = new ScriptedServer(n => n switch
        {
            0 => "+OK\r\n",                                  // CLIENT SETNAME at connect
            1 => ">2\r\n+invalidate\r\n+k\r\n" + Page,      // a push first: it answers nothing
            2 => Page,
            _ => "$4\r\nPONG\r\n",
        });
        await using var connection = await RespConnection.ConnectAsync(server.Endpoint, new RespConnectionOptions { ClientName = "t" });

        var decoded = connection.ExecuteDecodedAsync([Bytes("PAGE")], new RecordingVisitor()).AsTask();
        var raw = connection.ExecuteRawAsync([Bytes("PAGE")]).AsTask();
        var built = connection.ExecuteAsync(["PING"]).AsTask();

        var visitor = await decoded.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["0 *2", "1 $5", "1 *2", "2 $k", "2 $v"], visitor.Seen);
        Assert.Equal(Page, Encoding.Latin1.GetString(await raw.WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.Equal("PONG", (await built.WaitAsync(TimeSpan.FromSeconds(5))).Text);
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.ASCII.GetBytes(text);
}
