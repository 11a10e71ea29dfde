namespace Relay.Management.Api.Data;

public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total)
{
    public PageOf<TView> Select<TView>(Func<T, TView> map) => new(Items.Select(map).ToList(), Total);
}
