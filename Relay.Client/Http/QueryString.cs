using System.Globalization;
using System.Text;

namespace Relay.Client.Http;

/// <summary>Builds a query string from the parameters that have a value, each escaped.</summary>
internal sealed class QueryString
{
    private readonly List<KeyValuePair<string, string>> parameters = [];

    public QueryString Add(string name, string? value)
    {
        if (value is not null)
        {
            parameters.Add(new(name, value));
        }
        return this;
    }

    public QueryString Add(string name, Guid? value) => Add(name, value?.ToString("D"));

    public QueryString Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryString Add(string name, bool? value) => Add(name, value is { } flag ? (flag ? "true" : "false") : null);

    public QueryString Add(string name, DateTimeOffset? value) => Add(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));

    public string AppendTo(string path)
    {
        if (parameters.Count == 0)
        {
            return path;
        }
        var text = new StringBuilder(path).Append('?');
        for (var i = 0; i < parameters.Count; i++)
        {
            text.Append(i == 0 ? "" : "&").Append(Uri.EscapeDataString(parameters[i].Key)).Append('=').Append(Uri.EscapeDataString(parameters[i].Value));
        }
        return text.ToString();
    }
}
