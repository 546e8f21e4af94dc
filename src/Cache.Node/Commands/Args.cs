using System.Runtime.CompilerServices;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>Small helpers for reading command arguments.</summary>
internal static class Args
{
    /// <summary>ASCII case-insensitive comparison against an upper-case keyword.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Is(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> upperKeyword)
    {
        if (arg.Length != upperKeyword.Length)
        {
            return false;
        }

        for (var i = 0; i < arg.Length; i++)
        {
            var b = arg[i];
            if (b is >= (byte)'a' and <= (byte)'z')
            {
                b = (byte)(b & 0xDF);
            }

            if (b != upperKeyword[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses an integer argument; on failure replies Redis' error and returns false.</summary>
    public static bool TryInteger(ClientSession client, ReadOnlySpan<byte> arg, out long value)
    {
        if (RespNumbers.TryParseInt64(arg, out value))
        {
            return true;
        }

        client.Reply.Error(Errors.NotInteger);
        return false;
    }

    public static string Text(ReadOnlySpan<byte> arg) => Encoding.UTF8.GetString(arg);
}
