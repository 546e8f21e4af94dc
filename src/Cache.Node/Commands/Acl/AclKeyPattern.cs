namespace Cache.Node.Commands;

/// <summary>A key pattern of a selector and what it allows: read (%R~), write (%W~) or both (~).</summary>
internal sealed record AclKeyPattern(byte[] Pattern, bool Read, bool Write)
{
    public string Describe()
    {
        var text = System.Text.Encoding.Latin1.GetString(Pattern);
        return (Read, Write) switch
        {
            (true, true) => "~" + text,
            (true, false) => "%R~" + text,
            _ => "%W~" + text,
        };
    }
}
