using System.Net;

namespace Cache.Node.Commands;

/// <summary>
/// Redis' protected mode (networking.c, clientAcceptHandler): while it is on and anyone may
/// connect without a password, a client that is not on loopback gets DENIED and is closed. The
/// cluster's own members are let in too, or a cluster of hosts with no password could not form
/// (their peer links come in on this port); they still have to prove the cluster secret before
/// any peer command (<see cref="PeerAuthentication"/>).
/// </summary>
internal static class ProtectedMode
{
    /// <summary>Redis 7.0's reply, word for word (its typo included).</summary>
    public static ReadOnlySpan<byte> Denied =>
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"u8;

    /// <summary>
    /// True when a connection needs no password at all: the one question protected mode asks of
    /// the users (with ACL users: the default user has nopass and there is no other user).
    /// </summary>
    public static bool OpenWithoutPassword(CacheServer server) => !server.Acl.HasCredentials;

    /// <summary>Whether a connection from <paramref name="remote"/> is refused by <paramref name="server"/>'s protected mode.</summary>
    public static bool Refuses(CacheServer server, EndPoint? remote) =>
        Refuses(server.Settings.ProtectedMode, OpenWithoutPassword(server), remote, address => server.Cluster?.IsMemberAddress(address) == true);

    /// <summary>The decision alone: on, no password, from an IP that is neither loopback nor a member's.</summary>
    public static bool Refuses(bool enabled, bool openWithoutPassword, EndPoint? remote, Func<IPAddress, bool> isMember)
    {
        if (!enabled || !openWithoutPassword || remote is not IPEndPoint ip)
        {
            return false;   // not an IP socket (a Unix socket, a test's pipe): local
        }

        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        return !IPAddress.IsLoopback(address) && !isMember(address);
    }
}
