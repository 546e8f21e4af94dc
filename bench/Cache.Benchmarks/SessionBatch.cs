using System.Buffers;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Benchmarks;

/// <summary>Pre-built RESP batches run through one session as the RESP loop runs them, without sockets.</summary>
internal static class SessionBatch
{
    /// <summary>Parses and executes every command of <paramref name="batch"/> into <paramref name="output"/> (reset first); the bytes answered.</summary>
    public static int Run(CacheServer server, ClientSession session, ArrayBufferWriter<byte> output, ReadOnlySequence<byte> batch)
    {
        output.ResetWrittenCount();
        using (server.Keys.Enter())
        {
            while (session.Parser.TryParse(batch, out var request, out var length) == ParseStatus.Complete)
            {
                session.Execute(request);
                batch = batch.Slice(length);
            }
        }

        return output.WrittenCount;
    }

    /// <summary><paramref name="count"/> commands, the i-th as <paramref name="command"/> writes it, in one buffer.</summary>
    public static ReadOnlySequence<byte> Of(Func<int, string> command, int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append(command(i));
        }

        return new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
