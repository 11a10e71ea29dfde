using System.Runtime.InteropServices;
using System.Text.Json;

namespace Relay.Infrastructure.Destinations;

/// <summary>One step of a path: a property (by its UTF-8 name) or an array index.</summary>
internal readonly record struct PathSegment(byte[]? PropertyName, int Index);

/// <summary>
/// <c>$.data.tags[0]</c>: from the payload's root, properties of objects and elements of arrays. A property step on
/// anything but an object, or an index on anything but an array or past its end, leads nowhere.
/// </summary>
internal sealed class PayloadPath(PathSegment[] segments)
{
    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = default;
        var current = root;
        if (current.ValueKind == JsonValueKind.Undefined)
        {
            return false;
        }
        foreach (var segment in segments)
        {
            if (segment.PropertyName is { } name)
            {
                if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, name, out current))
                {
                    return false;
                }
            }
            else
            {
                if (current.ValueKind != JsonValueKind.Array || segment.Index >= current.GetArrayLength())
                {
                    return false;
                }
                current = current[segment.Index];
            }
        }
        value = current;
        return true;
    }

    /// <summary>
    /// Compares the names as written instead of calling <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>,
    /// which throws when it meets a name it cannot unescape. Of duplicate names the last wins, as there and in jsonb.
    /// </summary>
    private static bool TryGetProperty(JsonElement jsonObject, byte[] name, out JsonElement value)
    {
        value = default;
        var found = false;
        foreach (var property in jsonObject.EnumerateObject())
        {
            if (JsonStringText.NameEquals(JsonMarshal.GetRawUtf8PropertyName(property), name))
            {
                value = property.Value;
                found = true;
            }
        }
        return found;
    }
}
