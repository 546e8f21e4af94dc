using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>ACL LOG, DRYRUN, LOAD and SAVE, and GOSSIPCACHE ACL (a peer's whole ACL).</summary>
internal static partial class AclCommand
{
    private const string NoAclFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

    private static void Log(ClientSession client, in RespRequest request)
    {
        var log = client.Server.Acl.Log;
        long count = 10;
        if (request.Count == 3)
        {
            if (Args.Is(request[2], "RESET"u8))
            {
                log.Reset();
                client.Reply.Ok();
                return;
            }

            if (!RespNumbers.TryParseInt64(request[2], out count) || count < 0)
            {
                client.Reply.Error("ERR value is out of range, must be positive"u8);
                return;
            }
        }
        else if (request.Count > 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var entries = log.Newest((int)Math.Min(count, int.MaxValue));
        var reply = client.Reply;
        var now = client.Server.Acl.NowMs;
        reply.ArrayHeader(entries.Length);
        foreach (var entry in entries)
        {
            reply.MapHeader(7);
            reply.Bulk("count"u8);
            reply.Integer(entry.Count);
            reply.Bulk("reason"u8);
            reply.Bulk(entry.Reason);
            reply.Bulk("context"u8);
            reply.Bulk(entry.Context);
            reply.Bulk("object"u8);
            reply.Bulk(entry.Object);
            reply.Bulk("username"u8);
            reply.Bulk(entry.Username);
            reply.Bulk("age-seconds"u8);
            reply.Double((now - entry.CreatedMs) / 1000.0);
            reply.Bulk("client-info"u8);
            reply.Bulk(entry.ClientInfo);
        }
    }

    private static void DryRun(ClientSession client, in RespRequest request)
    {
        var user = client.Server.Acl.Find(request[2]);
        if (user is null)
        {
            client.Reply.Error($"ERR User '{Args.Text(request[2])}' not found");
            return;
        }

        var command = client.Server.Commands.Find(request[3]);
        var inner = request.Skip(3);
        if (command?.SubCommands is not null && inner.Count >= 2)
        {
            command = command.SubCommands.Find(inner[1]);
        }

        if (command is null)
        {
            client.Reply.Error($"ERR Command '{Args.Text(request[3])}' not found");
            return;
        }

        if (!command.AcceptsArgumentCount(inner.Count))
        {
            client.Reply.Error($"ERR wrong number of arguments for '{command.FullName}' command");
            return;
        }

        var result = user.Check(command, inner, out var position);
        switch (result)
        {
            case AclResult.Ok:
                client.Reply.Ok();
                break;
            case AclResult.DeniedKey:
                client.Reply.Bulk($"This user has no permissions to access the '{Args.Text(inner[position])}' key");
                break;
            case AclResult.DeniedChannel:
                client.Reply.Bulk($"This user has no permissions to access the '{Args.Text(inner[position])}' channel");
                break;
            default:
                client.Reply.Bulk($"This user has no permissions to run the '{command.FullName}' command");
                break;
        }
    }

    private static void Load(ClientSession client, in RespRequest request)
    {
        var acl = client.Server.Acl;
        if (acl.AclFile is null)
        {
            client.Reply.Error(NoAclFile);
            return;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(acl.AclFile);
        }
        catch (IOException e)
        {
            client.Reply.Error($"ERR Error loading ACLs, opening file '{acl.AclFile}': {e.Message}");
            return;
        }

        if (acl.TryReplace(lines, acl.AclFile) is { } error)
        {
            client.Reply.Error("ERR " + error);
            return;
        }

        Changed(client);
        client.Reply.Ok();
    }

    private static void Save(ClientSession client, in RespRequest request)
    {
        var acl = client.Server.Acl;
        if (acl.AclFile is null)
        {
            client.Reply.Error(NoAclFile);
            return;
        }

        try
        {
            // Written beside the file and renamed over it, as Redis does, so a crash leaves the old file whole.
            var temporary = acl.AclFile + ".tmp-" + Environment.ProcessId;
            File.WriteAllLines(temporary, acl.Describe());
            File.Move(temporary, acl.AclFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            client.Reply.Error("ERR There was an error trying to save the ACLs. Please check the server logs for more information"u8);
            return;
        }

        client.Reply.Ok();
    }

    /// <summary>GOSSIPCACHE ACL version lines: another node's whole ACL, taken if newer; replies 1 when taken.</summary>
    public static void FromPeer(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[2], out var version))
        {
            client.Reply.Error("ERR value is not an integer or out of range"u8);
            return;
        }

        var lines = Encoding.UTF8.GetString(request[3]).Split('\n');
        var taken = client.Server.Acl.TryAdopt(version, lines);
        if (taken)
        {
            client.Server.EnforceAcl(null);
        }

        client.Reply.Integer(taken ? 1 : 0);
    }
}
