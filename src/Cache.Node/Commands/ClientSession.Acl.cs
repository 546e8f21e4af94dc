using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// ACL on one connection: every permission check goes through <see cref="CheckPermission"/>
/// (dispatch), <see cref="CheckPermissionInExec"/> (EXEC's queue) or <see cref="ScriptPermission"/>
/// (redis.call), so a connection that skips ACL (an authenticated peer) needs one line here.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>Whether the connection's user may run the command with these arguments; if not, the NOPERM reply is written and logged.</summary>
    public bool CheckPermission(CommandDefinition command, in RespRequest request)
    {
        var result = Check(command, request, Transaction.InMulti ? "multi" : "toplevel");
        if (result == AclResult.Ok)
        {
            return true;
        }

        Reject(result switch
        {
            AclResult.DeniedCommand => $"NOPERM this user has no permissions to run the '{command.FullName}' command",
            AclResult.DeniedKey => "NOPERM this user has no permissions to access one of the keys used as arguments",
            AclResult.DeniedChannel => "NOPERM this user has no permissions to access one of the channels used as arguments",
            _ => "NOPERM no permission",
        }, command);
        return false;
    }

    /// <summary>EXEC checks each queued command again, as Redis: rules may have changed since MULTI; a refused one gets its error in the reply array.</summary>
    public bool CheckPermissionInExec(CommandDefinition command, in RespRequest request)
    {
        var result = Check(command, request, "multi");
        if (result == AclResult.Ok)
        {
            return true;
        }

        var reason = result switch
        {
            AclResult.DeniedCommand => "no permission to execute the command or subcommand",
            AclResult.DeniedKey => "no permission to touch the specified keys",
            AclResult.DeniedChannel => "no permission to access one of the channels used as arguments",
            _ => "no permission",
        };
        Reply.Error(Encoding.Latin1.GetBytes("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + reason));
        return false;
    }

    /// <summary>redis.call's check (scripts run with their caller's permissions); the error Redis raises in the script, or null.</summary>
    public string? ScriptPermission(CommandDefinition command, in RespRequest request, bool log = true)
    {
        var result = Check(command, request, log ? "lua" : null);
        if (result == AclResult.Ok)
        {
            return null;
        }

        return result switch
        {
            AclResult.DeniedCommand => "The user executing the script can't run this command or subcommand",
            AclResult.DeniedKey => "The user executing the script can't access at least one of the keys mentioned in the command",
            AclResult.DeniedChannel => "The user executing the script can't publish to the channel mentioned in the command",
            _ => "The user executing the script is lacking the permissions for the command",
        };
    }

    /// <summary>An AUTH (or HELLO AUTH) that failed, for ACL LOG.</summary>
    public void LogFailedAuth(ReadOnlySpan<byte> username) =>
        Server.Acl.Log.Add("auth", Transaction.InMulti ? "multi" : "toplevel", "AUTH", Encoding.UTF8.GetString(username), Server.Acl.NowMs, InfoLine());

    /// <summary>Logs in as <paramref name="user"/> (AUTH, HELLO AUTH).</summary>
    public void Login(AclUser user)
    {
        Connection.User = user;
        Connection.Authenticated = true;
    }

    // The user's verdict; a refusal is logged (ACL LOG) under context unless that is null.
    private AclResult Check(CommandDefinition command, in RespRequest request, string? context)
    {
        var user = Connection.User;
        if (user.Unrestricted)
        {
            return AclResult.Ok;
        }

        var result = user.Check(command, request, out var position);
        if (result != AclResult.Ok && context is not null)
        {
            LogDenied(result, context, command, request, position);
        }

        return result;
    }

    private void LogDenied(AclResult result, string context, CommandDefinition command, in RespRequest request, int position)
    {
        var (reason, obj) = result switch
        {
            AclResult.DeniedKey => ("key", Encoding.UTF8.GetString(request[position])),
            AclResult.DeniedChannel => ("channel", Encoding.UTF8.GetString(request[position])),
            _ => ("command", command.FullName),
        };
        Server.Acl.Log.Add(reason, context, obj, Connection.User.Name, Server.Acl.NowMs, InfoLine());
    }

    private string InfoLine()
    {
        var text = new StringBuilder();
        ClientInfoLine.Append(text, this, Keys.NowMs, default);
        return text.ToString().TrimEnd('\n');
    }
}
