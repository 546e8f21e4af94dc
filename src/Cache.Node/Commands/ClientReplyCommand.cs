using System.Buffers;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// CLIENT REPLY ON|OFF|SKIP, as Redis: OFF and SKIP answer nothing, ON answers OK. The session
/// runs a command whose reply is dropped with its writer pointed at a scratch buffer
/// (<see cref="ClientSession.Execute"/>); pub/sub replies and messages still go out, as pushes.
/// </summary>
internal static class ClientReplyCommand
{
    public static CommandDefinition Definition { get; } =
        new("reply", 3, CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, Reply, "connection", "Instructs the server whether to reply to commands.")
        {
            Acl = AclCategories.Connection,
            Since = "3.2.0",
        };

    private static void Reply(ClientSession client, in RespRequest request)
    {
        var mode = request[2];
        if (Args.Is(mode, "ON"u8))
        {
            client.Connection.ReplyMode = ClientReplyMode.On;
            client.Reply.Ok();
        }
        else if (Args.Is(mode, "OFF"u8))
        {
            client.Connection.ReplyMode = ClientReplyMode.Off;
        }
        else if (Args.Is(mode, "SKIP"u8))
        {
            if (client.Connection.ReplyMode != ClientReplyMode.Off)
            {
                client.Connection.ReplyMode = ClientReplyMode.SkipNext;
            }
        }
        else
        {
            client.Reply.Error(Errors.Syntax);
        }
    }

    /// <summary>Runs one command whose reply is dropped (REPLY OFF or SKIP); CLIENT REPLY ON's OK still goes out.</summary>
    public static void RunSilently(ClientSession client, in RespRequest request, ArrayBufferWriter<byte> scratch)
    {
        var before = client.Connection.ReplyMode;
        scratch.ResetWrittenCount();
        using (client.Replies.Redirect(scratch))
        {
            client.ExecuteCommand(request);
        }

        var after = client.Connection.ReplyMode;
        if (after == ClientReplyMode.On && before != ClientReplyMode.On)
        {
            // CLIENT REPLY ON turned replies back on: its own OK is sent.
            client.Reply.WriteRaw(scratch.WrittenSpan);
        }
        else if (after == ClientReplyMode.Skip && before == ClientReplyMode.Skip)
        {
            client.Connection.ReplyMode = ClientReplyMode.On;
        }

        if (client.Connection.ReplyMode == ClientReplyMode.SkipNext)
        {
            client.Connection.ReplyMode = ClientReplyMode.Skip;
        }
    }
}
