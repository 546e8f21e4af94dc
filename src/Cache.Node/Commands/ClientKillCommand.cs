using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLIENT KILL, in both of Redis' forms: an address (OK or "No such client"), or filters (how many were killed).</summary>
internal static class ClientKillCommand
{
    public static void Kill(ClientSession client, in RespRequest request)
    {
        if (request.Count == 3)
        {
            var address = Args.Text(request[2]);
            var killed = KillMatching(client, id: 0, address, localAddress: null, user: null, skipMe: false);
            if (killed == 0)
            {
                client.Reply.Error("ERR No such client"u8);
            }
            else
            {
                client.Reply.Ok();
            }

            return;
        }

        long id = 0;
        string? addr = null;
        string? laddr = null;
        AclUser? user = null;
        var skipMe = true;
        var noneMatch = false;
        for (var i = 2; i < request.Count; i += 2)
        {
            if (i + 1 >= request.Count)
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }

            var option = request[i];
            var value = request[i + 1];
            if (Args.Is(option, "ID"u8))
            {
                if (!RespNumbers.TryParseInt64(value, out id) || id < 1)
                {
                    client.Reply.Error("ERR client-id should be greater than 0"u8);
                    return;
                }
            }
            else if (Args.Is(option, "TYPE"u8))
            {
                var normal = Args.Is(value, "NORMAL"u8);
                if (!normal && !Args.Is(value, "MASTER"u8) && !Args.Is(value, "REPLICA"u8) && !Args.Is(value, "SLAVE"u8) && !Args.Is(value, "PUBSUB"u8))
                {
                    client.Reply.Error($"ERR Unknown client type '{Args.Text(value)}'");
                    return;
                }

                // Every connection here is a normal client: no replicas, masters or subscribers.
                noneMatch |= !normal;
            }
            else if (Args.Is(option, "ADDR"u8))
            {
                addr = Args.Text(value);
            }
            else if (Args.Is(option, "LADDR"u8))
            {
                laddr = Args.Text(value);
            }
            else if (Args.Is(option, "USER"u8))
            {
                user = client.Server.Acl.Find(value);
                if (user is null)
                {
                    client.Reply.Error($"ERR No such user '{Args.Text(value)}'");
                    return;
                }
            }
            else if (Args.Is(option, "SKIPME"u8))
            {
                if (Args.Is(value, "YES"u8))
                {
                    skipMe = true;
                }
                else if (Args.Is(value, "NO"u8))
                {
                    skipMe = false;
                }
                else
                {
                    client.Reply.Error(Errors.Syntax);
                    return;
                }
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        client.Reply.Integer(noneMatch ? 0 : KillMatching(client, id, addr, laddr, user, skipMe));
    }

    private static int KillMatching(ClientSession client, long id, string? address, string? localAddress, AclUser? user, bool skipMe)
    {
        var killed = 0;
        foreach (var other in client.Server.Clients.Values)
        {
            var c = other.Connection;
            if ((id != 0 && c.Id != id) || (address is not null && c.RemoteAddress != address) || (localAddress is not null && c.LocalAddress != localAddress)
                || (user is not null && c.User != user)
                || (other == client && skipMe))
            {
                continue;
            }

            killed++;
            if (other == client)
            {
                // As Redis: this connection closes once its reply is written.
                c.CloseRequested = true;
                continue;
            }

            // Gone from CLIENT LIST and connected_clients at once, as when Redis frees a client.
            client.Server.Clients.TryRemove(c.Id, out _);
            c.Abort?.Invoke();
        }

        return killed;
    }
}
