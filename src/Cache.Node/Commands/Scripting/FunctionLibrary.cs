namespace Cache.Node.Commands;

/// <summary>A library FUNCTION LOAD created: its name, its whole code (the <c>#!lua</c> line included) and its functions in registration order.</summary>
internal sealed class FunctionLibrary(string name, byte[] code)
{
    public string Name { get; } = name;

    public byte[] Code { get; } = code;

    public List<ScriptFunction> Functions { get; } = [];
}
