using System.Net;
using System.Net.Sockets;
using System.Text;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Geo;

/// <summary>
/// What GEO writes put into the Redis replication stream (a client that sent SYNC): GEOADD as
/// the ZADD it becomes, with integer geohash scores, the stores as sent, reads and no-op writes
/// not at all. The expected stream is what redis-server 7.0.15 sends for the same commands.
/// </summary>
public sealed class GeoReplicationStreamTests
{
    [Fact]
    public async Task Geo_writes_propagate_as_redis_propagates_them()
    {
        await using var node = await TestNode.StartAsync();
        using var replica = new TcpClient();
        await replica.ConnectAsync(IPAddress.Loopback, node.Port);
        var stream = replica.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.WriteAsync("SYNC\r\n"u8.ToArray(), timeout.Token);
        var received = new List<byte>();
        await SkipPayloadAsync(stream, received, timeout.Token);

        await using var client = await node.ConnectAsync();
        await client.CallAsync("GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        await client.CallAsync("GEOADD", "g", "XX", "1", "1", "nope");
        await client.CallAsync("GEOADD", "g", "500", "1", "bad");
        await client.CallAsync("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
        await client.CallAsync("GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "r");
        await client.CallAsync("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
        await client.CallAsync("GEORADIUS_RO", "g", "15", "37", "200", "km");
        await client.CallAsync("SET", "marker", "done");

        var commands = await ReadCommandsUntilAsync(stream, received, "marker", timeout.Token);
        string[] expected =
        [
            "SELECT 0",
            "zadd g CH 3479099956230698 Palermo 3479447370796909 Catania",
            "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km",
            "GEORADIUS g 15 37 200 km STOREDIST r",
            "SET marker done",
        ];
        Assert.Equal(expected, commands);
    }

    // The reply to SYNC: optional newlines (keep-alives), then "$<length>\r\n" and that many bytes.
    private static async Task SkipPayloadAsync(NetworkStream stream, List<byte> buffer, CancellationToken cancel)
    {
        int lineEnd;
        while ((lineEnd = IndexOfHeaderEnd(buffer)) < 0)
        {
            await FillAsync(stream, buffer, cancel);
        }

        var header = Encoding.ASCII.GetString([.. buffer.Take(lineEnd)]);
        Assert.StartsWith("$", header, StringComparison.Ordinal);
        var length = int.Parse(header[1..], System.Globalization.CultureInfo.InvariantCulture);
        while (buffer.Count < lineEnd + 2 + length)
        {
            await FillAsync(stream, buffer, cancel);
        }

        buffer.RemoveRange(0, lineEnd + 2 + length);
    }

    private static async Task<List<string>> ReadCommandsUntilAsync(NetworkStream stream, List<byte> buffer, string lastKey, CancellationToken cancel)
    {
        var commands = new List<string>();
        while (true)
        {
            while (TryParseCommand(buffer, out var command))
            {
                commands.Add(command);
                if (command.Contains(lastKey, StringComparison.Ordinal))
                {
                    return commands;
                }
            }

            await FillAsync(stream, buffer, cancel);
        }
    }

    // One "*n\r\n$len\r\narg\r\n..." command off the front of the buffer, arguments joined by spaces.
    private static bool TryParseCommand(List<byte> buffer, out string command)
    {
        command = string.Empty;
        var bytes = buffer.ToArray();
        var at = 0;
        if (!TryLine(bytes, ref at, out var countLine))
        {
            return false;
        }

        var count = int.Parse(countLine[1..], System.Globalization.CultureInfo.InvariantCulture);
        var arguments = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (!TryLine(bytes, ref at, out var lengthLine))
            {
                return false;
            }

            var length = int.Parse(lengthLine[1..], System.Globalization.CultureInfo.InvariantCulture);
            if (at + length + 2 > bytes.Length)
            {
                return false;
            }

            arguments.Add(Encoding.UTF8.GetString(bytes, at, length));
            at += length + 2;
        }

        buffer.RemoveRange(0, at);
        command = string.Join(' ', arguments);
        return true;
    }

    private static bool TryLine(byte[] bytes, ref int at, out string line)
    {
        var end = Array.IndexOf(bytes, (byte)'\r', at);
        line = string.Empty;
        if (end < 0 || end + 1 >= bytes.Length)
        {
            return false;
        }

        line = Encoding.ASCII.GetString(bytes, at, end - at);
        at = end + 2;
        return true;
    }

    // Where the payload's "$<length>" line ends, once the keep-alive newlines before it are dropped.
    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        var newlines = 0;
        while (newlines < buffer.Count && buffer[newlines] == (byte)'\n')
        {
            newlines++;
        }

        buffer.RemoveRange(0, newlines);
        return buffer.IndexOf((byte)'\r');
    }

    private static async Task FillAsync(NetworkStream stream, List<byte> buffer, CancellationToken cancel)
    {
        var chunk = new byte[4096];
        var read = await stream.ReadAsync(chunk, cancel);
        Assert.True(read > 0, "the node closed the replication stream");
        buffer.AddRange(chunk.AsSpan(0, read).ToArray());
    }
}
