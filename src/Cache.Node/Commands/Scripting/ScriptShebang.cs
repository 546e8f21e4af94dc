namespace Cache.Node.Commands;

/// <summary>Reads a script's <c>#!lua flags=...</c> first line as Redis 7's evalExtractShebangFlags does.</summary>
internal static class ScriptShebang
{
    /// <summary>Returns null and the flags and the shebang's length (the newline is kept, so line numbers stay), or the error.</summary>
    public static string? TryRead(ReadOnlySpan<byte> body, out ScriptFlags flags, out int length)
    {
        flags = ScriptFlags.Compat;
        length = 0;
        if (!body.StartsWith("#!"u8))
        {
            return null;
        }

        var end = body.IndexOf((byte)'\n');
        if (end < 0)
        {
            return "ERR Invalid script shebang";
        }

        var parts = System.Text.Encoding.Latin1.GetString(body[..end]).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return "ERR Invalid engine in script shebang";
        }

        if (parts[0] != "#!lua")
        {
            return "ERR Unexpected engine in script shebang: " + parts[0];
        }

        flags = ScriptFlags.None;
        foreach (var part in parts.AsSpan(1))
        {
            if (!part.StartsWith("flags=", StringComparison.Ordinal))
            {
                return "ERR Unknown lua shebang option: " + part;
            }

            foreach (var name in part["flags=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var flag = Parse(name);
                if (flag == ScriptFlags.None)
                {
                    return "ERR Unexpected flag in script shebang: " + name;
                }

                flags |= flag;
            }
        }

        length = end;
        return null;
    }

    private static ScriptFlags Parse(string name) => name switch
    {
        "no-writes" => ScriptFlags.NoWrites,
        "allow-oom" => ScriptFlags.AllowOom,
        "allow-stale" => ScriptFlags.AllowStale,
        "no-cluster" => ScriptFlags.NoCluster,
        "allow-cross-slot-keys" => ScriptFlags.AllowCrossSlot,
        _ => ScriptFlags.None,
    };
}
