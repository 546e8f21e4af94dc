namespace Cache.Node.Storage;

/// <summary>Where one entry of a stream lies: its block and its byte offset there (valid until the stream is next written).</summary>
internal record struct StreamPosition(int Block, int Offset);
