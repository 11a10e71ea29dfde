namespace Relay.Infrastructure.Providers;

/// <summary>
/// An RFC 6901 JSON pointer, split into its reference tokens: <c>""</c> is the whole document, <c>/data/id</c> the
/// <c>id</c> of <c>data</c>, <c>/items/0</c> an array's first item; <c>~1</c> stands for <c>/</c> and <c>~0</c> for <c>~</c>.
/// </summary>
public sealed class JsonPointer
{
    public const int MaxLength = 256;
    public const int MaxTokens = 16;

    private JsonPointer(string text, string[] tokens)
    {
        Text = text;
        Tokens = tokens;
        // Where validation messages name the value: "data.id" for /data/id, as the seed's payload errors always did.
        Path = tokens.Length == 0 ? "body" : string.Join('.', tokens);
    }

    public string Text { get; }

    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The tokens joined by dots (<c>body</c> for the whole document): the key a payload error is reported under.</summary>
    public string Path { get; }

    /// <summary>The pointer, or null with what is wrong with <paramref name="text"/>.</summary>
    public static JsonPointer? Parse(string text, out string? problem)
    {
        problem = null;
        if (text.Length > MaxLength)
        {
            problem = $"must be at most {MaxLength} characters";
            return null;
        }
        if (text.Length == 0)
        {
            return new JsonPointer(text, []);
        }
        if (text[0] != '/')
        {
            problem = "must be a JSON pointer (RFC 6901): empty, or '/' followed by names, such as /data/id";
            return null;
        }
        var raw = text[1..].Split('/');
        if (raw.Length > MaxTokens)
        {
            problem = $"must have at most {MaxTokens} steps";
            return null;
        }
        var tokens = new string[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var token = raw[i];
            for (var c = token.IndexOf('~'); c >= 0; c = token.IndexOf('~', c + 1))
            {
                if (c + 1 >= token.Length || token[c + 1] is not ('0' or '1'))
                {
                    problem = "must escape '~' as ~0 and '/' as ~1 (RFC 6901)";
                    return null;
                }
            }
            tokens[i] = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }
        return new JsonPointer(text, tokens);
    }

    /// <summary>True when <paramref name="token"/> names an array item: digits without a leading zero, as RFC 6901 writes indexes.</summary>
    public static bool TryReadIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || token.Length > 9 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        index = int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    public override string ToString() => Text;
}
