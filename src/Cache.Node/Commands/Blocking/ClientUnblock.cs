using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command, as a timeout or with an error.</summary>
internal static class ClientUnblock
{
    public static void Run(ClientSession client, in RespRequest request)
    {
        if (request.Count > 4)
        {
            client.Reply.Error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP."u8);
            return;
        }

        var error = false;
        if (request.Count == 4)
        {
            if (Args.Is(request[3], "ERROR"u8))
            {
                error = true;
            }
            else if (!Args.Is(request[3], "TIMEOUT"u8))
            {
                client.Reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"u8);
                return;
            }
        }

        if (!Args.TryInteger(client, request[2], out var id))
        {
            return;
        }

        var unblocked = client.Server.Clients.TryGetValue(id, out var target)
            && target.Blocked is { } blocked
            && client.Server.Blocking.Unblock(blocked, error);
        client.Reply.Integer(unblocked ? 1 : 0);
    }
}
