namespace Cache.Node.Commands;

/// <summary>Redis' rule for client names: printable ASCII, no spaces.</summary>
internal static class ClientNames
{
    public static ReadOnlySpan<byte> InvalidError => "ERR Client names cannot contain spaces, newlines or special characters."u8;

    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b < (byte)'!' || b > (byte)'~')
            {
                return false;
            }
        }

        return true;
    }
}
