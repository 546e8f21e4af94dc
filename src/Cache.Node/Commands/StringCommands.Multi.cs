using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>The multi-key string commands: MGET MSET MSETNX.</summary>
internal static partial class StringCommands
{
    private static void MGet(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        client.Reply.ArrayHeader(request.Count - 1);
        for (var i = 1; i < request.Count; i++)
        {
            ref var entry = ref keys.LookupRead(request[i]);
            if (Unsafe.IsNullRef(ref entry) || entry.Kind != ValueKind.String)
            {
                // MGET never fails: a key of another type reads as missing.
                client.Reply.Null();
            }
            else
            {
                client.Reply.Bulk(client.Keys.ValueOf(entry));
            }
        }
    }

    private static void MSet(ClientSession client, in RespRequest request)
    {
        if (!HasKeyValuePairs(client, request, "mset"))
        {
            return;
        }

        SetPairs(client, request);
        client.Reply.Ok();
    }

    private static void MSetNx(ClientSession client, in RespRequest request)
    {
        if (!HasKeyValuePairs(client, request, "msetnx"))
        {
            return;
        }

        var keys = client.Keys;
        for (var i = 1; i < request.Count; i += 2)
        {
            if (keys.Exists(request[i]))
            {
                client.Reply.Integer(0);
                return;
            }
        }

        SetPairs(client, request);
        client.Reply.Integer(1);
    }

    private static bool HasKeyValuePairs(ClientSession client, in RespRequest request, string command)
    {
        if (request.Count % 2 == 1)
        {
            return true;
        }

        client.Reply.Error($"ERR wrong number of arguments for '{command}' command");
        return false;
    }

    private static void SetPairs(ClientSession client, in RespRequest request)
    {
        for (var i = 1; i < request.Count; i += 2)
        {
            client.Keys.SetString(request[i], request[i + 1]);
            client.Notify(KeyspaceEvents.String, "set"u8, request[i]);
        }
    }
}
