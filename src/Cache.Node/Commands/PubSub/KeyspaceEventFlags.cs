using System.Text;

namespace Cache.Node.Commands;

/// <summary>Reads and writes <c>notify-keyspace-events</c> as Redis 7.0 does (CONFIG GET prints "AKE" for "KEA").</summary>
internal static class KeyspaceEventFlags
{
    public static bool TryParse(string text, out KeyspaceEvents flags)
    {
        flags = KeyspaceEvents.None;
        foreach (var c in text)
        {
            flags |= c switch
            {
                'A' => KeyspaceEvents.All,
                'g' => KeyspaceEvents.Generic,
                '$' => KeyspaceEvents.String,
                'l' => KeyspaceEvents.List,
                's' => KeyspaceEvents.Set,
                'h' => KeyspaceEvents.Hash,
                'z' => KeyspaceEvents.SortedSet,
                'x' => KeyspaceEvents.Expired,
                'e' => KeyspaceEvents.Evicted,
                'K' => KeyspaceEvents.Keyspace,
                'E' => KeyspaceEvents.Keyevent,
                't' => KeyspaceEvents.Stream,
                'm' => KeyspaceEvents.KeyMiss,
                'd' => KeyspaceEvents.Module,
                'n' => KeyspaceEvents.New,
                _ => (KeyspaceEvents)(-1),
            };
            if (flags == (KeyspaceEvents)(-1))
            {
                return false;
            }
        }

        return true;
    }

    public static string Format(KeyspaceEvents flags)
    {
        var text = new StringBuilder();
        if ((flags & KeyspaceEvents.All) == KeyspaceEvents.All)
        {
            // As Redis: with A, "n" is not printed either (it sits in the same else branch).
            text.Append('A');
        }
        else
        {
            Append(text, flags, KeyspaceEvents.Generic, 'g');
            Append(text, flags, KeyspaceEvents.String, '$');
            Append(text, flags, KeyspaceEvents.List, 'l');
            Append(text, flags, KeyspaceEvents.Set, 's');
            Append(text, flags, KeyspaceEvents.Hash, 'h');
            Append(text, flags, KeyspaceEvents.SortedSet, 'z');
            Append(text, flags, KeyspaceEvents.Expired, 'x');
            Append(text, flags, KeyspaceEvents.Evicted, 'e');
            Append(text, flags, KeyspaceEvents.Stream, 't');
            Append(text, flags, KeyspaceEvents.Module, 'd');
            Append(text, flags, KeyspaceEvents.New, 'n');
        }

        Append(text, flags, KeyspaceEvents.Keyspace, 'K');
        Append(text, flags, KeyspaceEvents.Keyevent, 'E');
        Append(text, flags, KeyspaceEvents.KeyMiss, 'm');
        return text.ToString();
    }

    private static void Append(StringBuilder text, KeyspaceEvents flags, KeyspaceEvents flag, char letter)
    {
        if ((flags & flag) != 0)
        {
            text.Append(letter);
        }
    }
}
