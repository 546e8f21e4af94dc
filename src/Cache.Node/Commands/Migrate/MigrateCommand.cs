using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
/// [AUTH2 username password] [KEYS key ...], as Redis 7.0's migrateCommand: the keys go to the
/// target as RESTORE-ASKING with DUMP's payload (a node is always a cluster node, and Redis
/// Cluster sends that form; redis-server and our nodes accept it), and without COPY each key the
/// target acknowledged is deleted here, which replicates and propagates as one DEL.
/// </summary>
internal static class MigrateCommand
{
    private const int KeyIndex = 3;
    private const int FirstOption = 6;

    public static void Register(CommandTable table)
    {
        table.Add(new("migrate", -6, CommandFlags.Write, Migrate, "generic", "Atomically transfers a key from one Redis instance to another.")
        {
            Keys = new(
                [
                    KeySpec.At(KeyIndex, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
                    new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete | KeySpecFlags.Incomplete,
                        KeyBeginSearch.AfterKeyword("KEYS", -2), KeyFindKeys.Range(-1)),
                ],
                FindKeys),
            Acl = AclCategories.Keyspace | AclCategories.Dangerous,
            Tips = ["nondeterministic_output"],
        });
    }

    /// <summary>
    /// The key argument, or every key after KEYS (Redis 7.0's migrateGetKeys: the arguments of AUTH
    /// and AUTH2 are skipped, and KEYS with a non-empty key argument finds no key at all).
    /// </summary>
    internal static int FindKeys(in RespRequest request, Span<int> positions, Span<KeySpecFlags> flags)
    {
        var first = KeyIndex;
        var count = 1;
        for (var i = FirstOption; i < request.Count; i++)
        {
            if (Args.Is(request[i], "KEYS"u8))
            {
                if (!request[KeyIndex].IsEmpty)
                {
                    return 0;
                }

                first = i + 1;
                count = request.Count - first;
                break;
            }

            i += Args.Is(request[i], "AUTH"u8) ? 1 : Args.Is(request[i], "AUTH2"u8) ? 2 : 0;
        }

        for (var i = 0; i < count; i++)
        {
            if (i < positions.Length)
            {
                positions[i] = first + i;
            }

            if (i < flags.Length)
            {
                flags[i] = KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete;
            }
        }

        return count;
    }

    private static void Migrate(ClientSession client, in RespRequest request)
    {
        if (!MigrateOptions.TryParse(request, out var options, out var error))
        {
            client.Reply.Error(error);
            return;
        }

        // As Redis: the timeout is read before the database, and a timeout of 0 or less means one second.
        if (!RespNumbers.TryParseInt64(request[5], out var timeoutMs) || !RespNumbers.TryParseInt64(request[4], out var db))
        {
            client.Reply.Error(Errors.NotInteger);
            return;
        }

        var keys = client.Keys;
        var present = new List<int>();
        for (var i = options.FirstKey; i < options.FirstKey + options.KeyCount; i++)
        {
            if (!Unsafe.IsNullRef(ref keys.LookupRead(request[i])))
            {
                present.Add(i);
            }
        }

        if (present.Count == 0)
        {
            // Nothing to move is not an error: the key often just expired.
            client.Reply.SimpleString("NOKEY"u8);
            return;
        }

        var timeout = TimeSpan.FromMilliseconds(timeoutMs <= 0 ? 1000 : Math.Min(timeoutMs, int.MaxValue));
        new Transfer(client, request, options, db, timeout).Run(present);
    }

    /// <summary>One MIGRATE's exchange with the target, retried once on a new connection when the cached one failed.</summary>
    private readonly ref struct Transfer(ClientSession client, in RespRequest request, in MigrateOptions options, long db, TimeSpan timeout)
    {
        private readonly RespRequest _request = request;
        private readonly MigrateOptions _options = options;

        public void Run(List<int> present)
        {
            var host = Encoding.Latin1.GetString(_request[1]);
            var portText = Encoding.Latin1.GetString(_request[2]);
            var target = host + ":" + portText;
            // As Redis' atoi: a port that is no number connects to port 0, which fails.
            var port = int.TryParse(portText, out var parsed) && parsed is > 0 and < 65536 ? parsed : 0;
            var links = client.Server.MigrateLinks;
            var mayRetry = true;
            while (true)
            {
                if (links.Get(target, host, port, timeout, client.Keys.NowMs) is not { } link)
                {
                    client.Reply.Error("IOERR error or timeout connecting to the client"u8);
                    return;
                }

                var outcome = Exchange(link, present, mayRetry);
                if (outcome == Outcome.Done)
                {
                    return;
                }

                links.Close(target);
                if (outcome == Outcome.DoneLinkLost)
                {
                    return;
                }

                if (outcome is Outcome.RetryWrite or Outcome.RetryRead && mayRetry)
                {
                    mayRetry = false;
                    continue;
                }

                var writing = outcome is Outcome.RetryWrite or Outcome.FailWrite;
                client.Reply.Error(writing ? "IOERR error or timeout writing to target instance"u8 : "IOERR error or timeout reading to target instance"u8);
                return;
            }
        }

        private Outcome Exchange(MigrateLink link, List<int> present, bool mayRetry)
        {
            var keys = client.Keys;
            var commands = new ArrayBufferWriter<byte>();
            var auth = _options.Password >= 0;
            if (auth)
            {
                var command = new PropagatedCommand(commands, _options.Username >= 0 ? 3 : 2).Arg("AUTH"u8);
                if (_options.Username >= 0)
                {
                    command.Arg(_request[_options.Username]);
                }

                command.Arg(_request[_options.Password]);
            }

            var select = link.SelectedDb != db;
            if (select)
            {
                new PropagatedCommand(commands, 2).Arg("SELECT"u8).Arg(db);
            }

            // The keys still alive, with the time each has left (at least 1 ms), as RESTORE wants it.
            var sent = new List<int>(present.Count);
            foreach (var index in present)
            {
                ref var entry = ref keys.Lookup(_request[index], touch: false);
                if (Unsafe.IsNullRef(ref entry))
                {
                    continue;
                }

                var ttl = entry.ExpiresAt == 0 ? 0 : Math.Max(1, entry.ExpiresAt - keys.NowMs);
                if (DumpPayload.Serialize(keys, entry) is not { } payload)
                {
                    continue;
                }

                sent.Add(index);
                var restore = new PropagatedCommand(commands, _options.Replace ? 5 : 4)
                    .Arg("RESTORE-ASKING"u8).Arg(_request[index]).Arg(ttl).Arg(payload);
                if (_options.Replace)
                {
                    restore.Arg("REPLACE"u8);
                }
            }

            if (!link.Write(commands.WrittenSpan, out var writeTimedOut))
            {
                return writeTimedOut ? Outcome.FailWrite : Outcome.RetryWrite;
            }

            byte[]? authReply = null;
            byte[]? selectReply = null;
            bool timedOut;
            if ((auth && (authReply = link.ReadLine(out timedOut)) is null) || (select && (selectReply = link.ReadLine(out timedOut)) is null))
            {
                return timedOut ? Outcome.FailRead : Outcome.RetryRead;
            }

            var targetError = false;
            var socketError = false;
            timedOut = false;
            var deleted = new List<int>(sent.Count);
            var read = 0;
            for (; read < sent.Count; read++)
            {
                if (link.ReadLine(out timedOut) is not { } reply)
                {
                    socketError = true;
                    break;
                }

                var error = IsError(authReply) ? authReply : IsError(selectReply) ? selectReply : IsError(reply) ? reply : null;
                if (error is not null)
                {
                    if (!targetError)
                    {
                        // The target's database is no longer known: the next MIGRATE selects again.
                        link.SelectedDb = -1;
                        targetError = true;
                        client.Reply.Error([.. "ERR Target instance replied with error: "u8, .. error.AsSpan(1)]);
                    }
                }
                else if (!_options.Copy)
                {
                    var key = _request[sent[read]];
                    keys.Delete(key);
                    client.Notify(KeyspaceEvents.Generic, "del"u8, key);
                    deleted.Add(sent[read]);
                }
            }

            // Nothing was acknowledged yet: safe to try once more on a new connection.
            if (!targetError && socketError && read == 0 && mayRetry && !timedOut)
            {
                return Outcome.RetryRead;
            }

            if (deleted.Count > 0)
            {
                // Replicas delete exactly the keys the target acknowledged (Redis rewrites MIGRATE as DEL).
                var propagated = client.Feed.Rewrite(deleted.Count + 1).Arg("DEL"u8);
                foreach (var index in deleted)
                {
                    propagated.Arg(_request[index]);
                }
            }

            if (!targetError && socketError)
            {
                return Outcome.FailRead;
            }

            if (!targetError)
            {
                link.SelectedDb = db;
                client.Reply.Ok();
            }

            return socketError ? Outcome.DoneLinkLost : Outcome.Done;
        }
    }

    private static bool IsError(byte[]? line) => line is [(byte)'-', ..];

    private enum Outcome
    {
        Done,
        DoneLinkLost,
        RetryWrite,
        RetryRead,
        FailWrite,
        FailRead,
    }
}
