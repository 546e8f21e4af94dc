using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>Runs one command for one client; the reply goes to <see cref="ClientSession.Reply"/>.</summary>
internal delegate void CommandHandler(ClientSession client, in RespRequest request);
