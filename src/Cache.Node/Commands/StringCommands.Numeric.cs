using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The counters: INCR DECR INCRBY DECRBY INCRBYFLOAT. Results are stored as decimal text and the
/// key keeps its time to live, as in Redis.
/// </summary>
internal static partial class StringCommands
{
    private static void Incr(ClientSession client, in RespRequest request) => IncrementBy(client, request[1], 1);

    private static void Decr(ClientSession client, in RespRequest request) => IncrementBy(client, request[1], -1);

    private static void IncrBy(ClientSession client, in RespRequest request)
    {
        if (Args.TryInteger(client, request[2], out var increment))
        {
            IncrementBy(client, request[1], increment);
        }
    }

    private static void DecrBy(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var decrement))
        {
            return;
        }

        if (decrement == long.MinValue)
        {
            // Negating it would overflow before the key is even read.
            client.Reply.Error(StringErrors.DecrementOverflow);
            return;
        }

        IncrementBy(client, request[1], -decrement);
    }

    private static void IncrementBy(ClientSession client, ReadOnlySpan<byte> key, long increment)
    {
        var keys = client.Keys;
        ref var entry = ref keys.Lookup(key);
        var exists = !Unsafe.IsNullRef(ref entry);
        long value = 0;
        if (exists)
        {
            if (entry.Kind != ValueKind.String)
            {
                client.Reply.Error(Errors.WrongType);
                return;
            }

            if (!Args.TryInteger(client, client.Keys.ValueOf(entry), out value))
            {
                return;
            }
        }

        if ((increment < 0 && value < 0 && increment < long.MinValue - value) ||
            (increment > 0 && value > 0 && increment > long.MaxValue - value))
        {
            client.Reply.Error(Errors.Overflow);
            return;
        }

        value += increment;
        Span<byte> digits = stackalloc byte[24];
        var text = digits[..RespNumbers.Format(value, digits)].ToArray();
        Store(keys, ref entry, exists, key, text);
        client.Notify(KeyspaceEvents.String, "incrby"u8, key);
        client.Reply.Integer(value);
    }

    private static void IncrByFloat(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref keys.Lookup(key);
        var exists = !Unsafe.IsNullRef(ref entry);
        var value = default(LongDouble);
        if (exists && entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        if ((exists && !LongDouble.TryParse(client.Keys.ValueOf(entry), out value)) || !LongDouble.TryParse(request[2], out var increment))
        {
            client.Reply.Error(Errors.NotFloat);
            return;
        }

        var sum = LongDouble.Add(value, increment);
        if (sum.IsInfinity)
        {
            client.Reply.Error(StringErrors.NaNOrInfinity);
            return;
        }

        var text = sum.ToHumanBytes();
        Store(keys, ref entry, exists, key, text);
        // Replicated as the value it produced, so replicas cannot round differently.
        client.Feed.Rewrite(4).Arg("SET"u8).Arg(key).Arg(text).Arg("KEEPTTL"u8);
        client.Notify(KeyspaceEvents.String, "incrbyfloat"u8, key);
        client.Reply.Bulk(text);
    }

    /// <summary>Replaces an existing value in place (keeping its TTL) or adds the key.</summary>
    private static void Store(KeySpace keys, ref StoreEntry entry, bool exists, ReadOnlySpan<byte> key, byte[] value)
    {
        if (exists)
        {
            keys.SetValue(ref entry, value);
            keys.Touch(key);
        }
        else
        {
            keys.SetString(key, value);
        }
    }
}
