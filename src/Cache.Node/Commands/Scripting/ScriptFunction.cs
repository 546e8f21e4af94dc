namespace Cache.Node.Commands;

/// <summary>One function of a library: its name as registered, its Lua callback's registry reference, flags and description.</summary>
internal sealed class ScriptFunction(string name, FunctionLibrary library, int reference, ScriptFlags flags, string? description)
{
    public string Name { get; } = name;

    public FunctionLibrary Library { get; } = library;

    public int Reference { get; } = reference;

    public ScriptFlags Flags { get; } = flags;

    public string? Description { get; } = description;
}
