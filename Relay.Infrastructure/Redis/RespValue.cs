using System.Globalization;

namespace Relay.Infrastructure.Redis;

internal enum RespType : byte
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
}

/// <summary>One decoded RESP2 reply. A struct so the common scalar replies cost no allocation beyond their text.</summary>
internal readonly struct RespValue
{
    private RespValue(RespType type, string? text, long integer, RespValue[]? items)
    {
        Type = type;
        Text = text;
        Integer = integer;
        Items = items;
    }

    public RespType Type { get; }

    /// <summary>Simple string, error message or bulk string; null for a null bulk string.</summary>
    public string? Text { get; }

    public long Integer { get; }

    /// <summary>Array elements; null for a null array.</summary>
    public RespValue[]? Items { get; }

    public bool IsNull => Type switch
    {
        RespType.BulkString => Text is null,
        RespType.Array => Items is null,
        _ => false,
    };

    public static RespValue SimpleString(string text) => new(RespType.SimpleString, text, 0, null);

    public static RespValue Error(string message) => new(RespType.Error, message, 0, null);

    public static RespValue FromInteger(long value) => new(RespType.Integer, null, value, null);

    public static RespValue BulkString(string? text) => new(RespType.BulkString, text, 0, null);

    public static RespValue Array(RespValue[]? items) => new(RespType.Array, null, 0, items);

    public override string ToString() => Type switch
    {
        RespType.SimpleString => $"+{Text}",
        RespType.Error => $"-{Text}",
        RespType.Integer => ":" + Integer.ToString(CultureInfo.InvariantCulture),
        RespType.BulkString => Text is null ? "(nil)" : $"\"{Text}\"",
        _ => Items is null ? "(nil array)" : "[" + string.Join(", ", Items.Select(item => item.ToString())) + "]",
    };
}
