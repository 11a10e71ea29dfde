namespace Relay.Infrastructure.Http;

public sealed record PageMeta(int Page, int PageSize, long Total, int TotalPages)
{
    public static PageMeta For(int page, int pageSize, long total) =>
        new(page, pageSize, total, Math.Max((int)Math.Ceiling(total / (double)pageSize), 1));
}
