using System.Diagnostics;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// DEBUG GC | SLEEP 0 | HELP, refused unless <c>enable-debug-command</c> allows this client
/// (<c>yes</c>, or <c>local</c> for loopback connections), with Redis' refusal text.
/// </summary>
internal static class DebugCommand
{
    private static readonly string[] Help =
    [
        "GC",
        "    Run a full blocking, compacting garbage collection; reply the pause in milliseconds.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num> (or <prefix>:<num>) holding value:<num>, padded",
        "    with zero bytes or cut to <size> bytes when given. Existing keys are left alone.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Options:",
        "    * MERGE: Merge the content of the RDB instead of replacing it.",
        "    * NOFLUSH: Do not empty the dataset before loading the RDB file.",
        "    * NOSAVE: Do not save the current dataset before loading it back.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed",
        "    (otherwise the Redis behavior). Setting it to 1 reenables back the default.",
        "SLEEP <seconds>",
        "    Only 0 is accepted: the node never stops serving on request.",
    ];

    public static void Register(CommandTable table) =>
        table.Add(new("debug", -2, CommandFlags.Admin | CommandFlags.Protected | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, Debug, "server", "A container for debugging commands."));

    private static void Debug(ClientSession client, in RespRequest request)
    {
        var sub = request[1];
        if (Args.Is(sub, "HELP"u8) && request.Count == 2)
        {
            HelpReply.Write(client, "DEBUG", Help);
        }
        else if (Args.Is(sub, "GC"u8) && request.Count == 2)
        {
            // Runs under the key space gate on purpose: the pause is what every client would see.
            // The real monotonic clock, not the injected one: this measures the process, not the cache's time.
            var start = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            client.Reply.Integer((long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        else if (Args.Is(sub, "POPULATE"u8) && request.Count is >= 3 and <= 5)
        {
            Populate(client, request);
        }
        else if (Args.Is(sub, "RELOAD"u8))
        {
            Reload(client, request);
        }
        else if (Args.Is(sub, "SET-ACTIVE-EXPIRE"u8) && request.Count == 3)
        {
            // As Redis: any integer, non-zero meaning on.
            if (!RespNumbers.TryParseInt64(request[2], out var on))
            {
                client.Reply.Error(Errors.NotInteger);
                return;
            }

            client.Keys.ActiveExpiry = on != 0;
            client.Reply.Ok();
        }
        else if (Args.Is(sub, "SLEEP"u8) && request.Count == 3)
        {
            if (!RespNumbers.TryParseDouble(request[2], out var seconds) || seconds != 0)
            {
                client.Reply.Error("ERR DEBUG SLEEP only accepts 0 on this server"u8);
                return;
            }

            client.Reply.Ok();
        }
        else
        {
            client.Reply.Error($"ERR unknown subcommand or wrong number of arguments for '{Args.Text(sub)}'. Try DEBUG HELP.");
        }
    }

    /// <summary>DEBUG POPULATE as Redis 7.0: key:N / value:N, the value padded or cut to the size.</summary>
    // DEBUG RELOAD: SAVE, empty the store, load the file back, all in this command (Redis does the same in-process).
    private static void Reload(ClientSession client, in RespRequest request)
    {
        bool save = true, flush = true, merge = false;
        for (var i = 2; i < request.Count; i++)
        {
            if (Args.Is(request[i], "NOSAVE"u8))
            {
                save = false;
            }
            else if (Args.Is(request[i], "NOFLUSH"u8))
            {
                flush = false;
            }
            else if (Args.Is(request[i], "MERGE"u8))
            {
                merge = true;
            }
            else
            {
                client.Reply.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."u8);
                return;
            }
        }

        var persistence = client.Server.Persistence;
        if (save && persistence.Save() is { } error)
        {
            client.Reply.Error("ERR " + ReplyQueue.OneLine(error));
            return;
        }

        if (flush)
        {
            // As Redis' emptyData: the function libraries go too.
            client.Keys.Clear();
            client.Server.Functions.Flush();
        }

        // MERGE lets a loaded key or library replace one already there (a key always does here).
        if (!persistence.TryLoad(out _, replaceLibraries: merge))
        {
            client.Reply.Error("ERR Error trying to load the RDB dump, check server logs."u8);
            return;
        }

        client.Reply.Ok();
    }

    private static void Populate(ClientSession client, in RespRequest request)
    {
        if (!TryPositive(client, request[2], out var count))
        {
            return;
        }

        var prefix = request.Count >= 4 ? request[3].ToArray() : "key"u8.ToArray();
        var size = 0L;
        if (request.Count == 5 && !TryPositive(client, request[4], out size))
        {
            return;
        }

        if (size > int.MaxValue)
        {
            client.Reply.Error("ERR value is out of range"u8);
            return;
        }

        var keys = client.Keys;
        var key = new byte[prefix.Length + 21];
        prefix.CopyTo(key, 0);
        key[prefix.Length] = (byte)':';
        var value = new byte[Math.Max(size, 26)];
        "value:"u8.CopyTo(value);
        for (var n = 0L; n < count; n++)
        {
            var digits = RespNumbers.Format(n, key.AsSpan(prefix.Length + 1));
            var name = key.AsSpan(0, prefix.Length + 1 + digits);
            ref var entry = ref keys.GetOrAdd(name, out var added);
            if (!added)
            {
                continue;
            }

            var valueDigits = RespNumbers.Format(n, value.AsSpan(6));
            var length = size == 0 ? 6 + valueDigits : (int)size;
            if (length > 6 + valueDigits)
            {
                value.AsSpan(6 + valueDigits, length - 6 - valueDigits).Clear();
            }

            keys.SetValue(ref entry, value.AsSpan(0, length));
            keys.Touch(name);
        }

        client.Reply.Ok();
    }

    /// <summary>Redis' getPositiveLongFromObjectOrReply: an integer, 0 or more.</summary>
    private static bool TryPositive(ClientSession client, ReadOnlySpan<byte> text, out long value)
    {
        if (!RespNumbers.TryParseInt64(text, out value) || value < 0)
        {
            client.Reply.Error("ERR value is out of range, must be positive"u8);
            return false;
        }

        return true;
    }

    /// <summary>Redis' refusal for a protected command that enable-debug-command does not allow.</summary>
    public const string NotAllowed = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

    /// <summary>Whether enable-debug-command lets this client run DEBUG.</summary>
    public static bool Allowed(ClientSession client) => client.Server.Settings.EnableDebugCommand switch
    {
        DebugCommandAccess.Yes => true,
        DebugCommandAccess.Local => client.Connection.IsLoopback,
        _ => false,
    };
}
