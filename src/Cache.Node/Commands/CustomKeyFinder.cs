using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Finds a command's keys where no key spec can (Redis' getkeys_proc): writes up to
/// <c>positions.Length</c> argument indexes (and their flags, where <paramref name="flags"/> has
/// room) and returns how many keys there are, or -1 when the arguments are invalid.
/// </summary>
internal delegate int CustomKeyFinder(in RespRequest request, Span<int> positions, Span<KeySpecFlags> flags);
