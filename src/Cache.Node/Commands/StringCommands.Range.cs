using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Byte-range string commands: APPEND STRLEN GETRANGE (and its old name SUBSTR) SETRANGE.</summary>
internal static partial class StringCommands
{
    private static void Append(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        var key = request[1];
        var suffix = request[2];
        ref var entry = ref keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            // Even an empty suffix creates the key, as in Redis.
            keys.SetString(key, suffix);
            client.Notify(KeyspaceEvents.String, "append"u8, key);
            client.Reply.Integer(suffix.Length);
            return;
        }

        if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var oldLength = keys.ValueOf(entry).Length;
        if ((long)oldLength + suffix.Length > client.Server.Limits.MaxBulkLength)
        {
            client.Reply.Error(StringErrors.TooLong);
            return;
        }

        if (suffix.Length > 0)
        {
            // Grows the record in place when its size class allows, else moves it once.
            suffix.CopyTo(keys.ResizeValue(ref entry, oldLength + suffix.Length, oldLength)[oldLength..]);
        }

        keys.Touch(key);
        client.Notify(KeyspaceEvents.String, "append"u8, key);
        client.Reply.Integer(client.Keys.ValueOf(entry).Length);
    }

    private static void StrLen(ClientSession client, in RespRequest request)
    {
        ref var entry = ref client.Keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
        }
        else if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
        }
        else
        {
            client.Reply.Integer(client.Keys.ValueOf(entry).Length);
        }
    }

    private static void GetRange(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var start) || !Args.TryInteger(client, request[3], out var end))
        {
            return;
        }

        ref var entry = ref client.Keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }

        if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var value = client.Keys.ValueOf(entry);
        long length = value.Length;
        if (start < 0 && end < 0 && start > end)
        {
            client.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }

        // Negative indexes count from the end; then both are clamped into the string.
        if (start < 0)
        {
            start = Math.Max(0, length + start);
        }

        if (end < 0)
        {
            end = Math.Max(0, length + end);
        }

        end = Math.Min(end, length - 1);
        if (start > end || length == 0)
        {
            client.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }

        client.Reply.Bulk(value.Slice((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var offset))
        {
            return;
        }

        if (offset < 0)
        {
            client.Reply.Error(StringErrors.OffsetOutOfRange);
            return;
        }

        var keys = client.Keys;
        var key = request[1];
        var patch = request[3];
        var limit = client.Server.Limits.MaxBulkLength;
        ref var entry = ref keys.Lookup(key);
        var exists = !Unsafe.IsNullRef(ref entry);
        if (exists && entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        if (patch.IsEmpty)
        {
            // Nothing to write: the length as it is, and no key is created.
            client.Reply.Integer(exists ? client.Keys.ValueOf(entry).Length : 0);
            return;
        }

        if (offset > limit - patch.Length)
        {
            client.Reply.Error(StringErrors.TooLong);
            return;
        }

        if (!exists)
        {
            entry = ref keys.GetOrAdd(key, out _);
            keys.SetValue(ref entry, []);
        }

        // Patches the record in place: bytes between the old end and the offset are zeroes.
        var oldLength = keys.ValueOf(entry).Length;
        var length = Math.Max(oldLength, (int)(offset + patch.Length));
        var value = keys.ResizeValue(ref entry, length, oldLength);
        value[oldLength..].Clear();
        patch.CopyTo(value[(int)offset..]);
        keys.Touch(key);
        client.Notify(KeyspaceEvents.String, "setrange"u8, key);
        client.Reply.Integer(length);
    }
}
