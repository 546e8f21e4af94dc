using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>MIGRATE's options after the timeout, read as Redis 7.0 reads them (the first error wins).</summary>
internal readonly record struct MigrateOptions(bool Copy, bool Replace, int Username, int Password, int FirstKey, int KeyCount)
{
    /// <summary>Reads COPY, REPLACE, AUTH, AUTH2 and KEYS; <see cref="Username"/> and <see cref="Password"/> are argument indexes, -1 when absent.</summary>
    public static bool TryParse(in RespRequest request, out MigrateOptions options, out ReadOnlySpan<byte> error)
    {
        options = new(false, false, -1, -1, 3, 1);
        error = default;
        for (var i = 6; i < request.Count; i++)
        {
            var more = request.Count - 1 - i;
            var option = request[i];
            if (Args.Is(option, "COPY"u8))
            {
                options = options with { Copy = true };
            }
            else if (Args.Is(option, "REPLACE"u8))
            {
                options = options with { Replace = true };
            }
            else if (Args.Is(option, "AUTH"u8) && more >= 1)
            {
                options = options with { Password = ++i };
            }
            else if (Args.Is(option, "AUTH2"u8) && more >= 2)
            {
                options = options with { Username = i + 1, Password = i + 2 };
                i += 2;
            }
            else if (Args.Is(option, "KEYS"u8))
            {
                if (!request[3].IsEmpty)
                {
                    error = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"u8;
                    return false;
                }

                // Every argument after KEYS is a key.
                options = options with { FirstKey = i + 1, KeyCount = request.Count - i - 1 };
                return true;
            }
            else
            {
                error = Errors.Syntax;
                return false;
            }
        }

        return true;
    }
}
