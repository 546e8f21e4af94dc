namespace Cache.Node.Commands;

/// <summary>One compiled script of the cache: its SHA1 (lower-case hex), its function's registry reference and its flags.</summary>
internal sealed class Script(string sha, int reference, ScriptFlags flags)
{
    public string Sha { get; } = sha;

    public int Reference { get; } = reference;

    public ScriptFlags Flags { get; } = flags;
}
