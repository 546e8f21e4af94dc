using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>Which arguments of a command are channels ACL channel rules apply to (publish and subscribe, as Redis 7.0).</summary>
internal static class AclChannels
{
    public static bool Of(CommandDefinition command, in RespRequest request, out int first, out int last, out bool isPattern)
    {
        isPattern = command.Id == CommandId.Psubscribe;
        first = 1;
        last = request.Count - 1;
        switch (command.Id)
        {
            case CommandId.Publish or CommandId.Spublish:
                last = 1;
                return true;
            case CommandId.Subscribe or CommandId.Ssubscribe or CommandId.Psubscribe:
                return true;
            default:
                return false;
        }
    }
}
