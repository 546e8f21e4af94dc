using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Hash counters: HINCRBY and HINCRBYFLOAT. Results are stored as their decimal text.</summary>
internal static partial class HashCommands
{
    private static void RegisterNumbers(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        table.Add(new("hincrby", 4, write, HIncrBy, Group, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("hincrbyfloat", 4, write, HIncrByFloat, Group, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
    }

    private static void HIncrBy(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[3], out var increment))
        {
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var hash))
        {
            return;
        }

        long current = 0;
        if (hash.TryGet(request[2], out var stored))
        {
            if (!RespNumbers.TryParseInt64(stored, out current))
            {
                client.Reply.Error(HashErrors.NotIntegerValue);
                return;
            }
        }

        if ((increment < 0 && current < 0 && increment < long.MinValue - current) ||
            (increment > 0 && current > 0 && increment > long.MaxValue - current))
        {
            client.Reply.Error(Errors.Overflow);
            return;
        }

        var result = current + increment;
        Span<byte> digits = stackalloc byte[24];
        var length = RespNumbers.Format(result, digits);
        Store(client, key, hash, request[2], digits[..length]);
        client.Notify(KeyspaceEvents.Hash, "hincrby"u8, key);
        client.Reply.Integer(result);
    }

    private static void HIncrByFloat(ClientSession client, in RespRequest request)
    {
        // Redis adds in 80-bit long double and prints %.17Lf: LongDouble reproduces both.
        if (!LongDouble.TryParse(request[3], out var increment))
        {
            client.Reply.Error(Errors.NotFloat);
            return;
        }

        if (increment.IsInfinity)
        {
            client.Reply.Error(HashErrors.NaNOrInfinity);
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var hash))
        {
            return;
        }

        var current = default(LongDouble);
        if (hash.TryGet(request[2], out var stored))
        {
            if (!LongDouble.TryParse(stored, out current))
            {
                client.Reply.Error(HashErrors.NotFloatValue);
                return;
            }
        }

        var result = LongDouble.Add(current, increment);
        if (result.IsInfinity)
        {
            client.Reply.Error(HashErrors.WouldProduceNaNOrInfinity);
            return;
        }

        var value = result.ToHumanBytes();
        Store(client, key, hash, request[2], value);
        // Replicated as the value it produced (Redis' hincrbyfloatCommand).
        client.Feed.Rewrite(4).Arg("HSET"u8).Arg(key).Arg(request[2]).Arg(value);
        client.Notify(KeyspaceEvents.Hash, "hincrbyfloat"u8, key);
        client.Reply.Bulk(value);
    }

    /// <summary>Sets one field, creating the hash when <paramref name="hash"/> is null, and touches the key.</summary>
    private static void Store(ClientSession client, ReadOnlySpan<byte> key, HashHandle hash, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (hash.IsMissing)
        {
            // The key was looked up and found missing: adding it cannot meet another type.
            GetOrCreate(client, key, out hash);
        }

        hash.Set(field, value);
        client.Keys.Touch(key);
    }
}
