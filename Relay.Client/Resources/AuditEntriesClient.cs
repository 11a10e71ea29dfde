using Relay.Client.Http;

namespace Relay.Client;

/// <summary>The audit trail: who changed what, with which key.</summary>
public sealed class AuditEntriesClient
{
    private const string Path = "/api/v1/audit-entries";
    private readonly RelayHttp http;

    internal AuditEntriesClient(RelayHttp http) => this.http = http;

    /// <summary>One page of audit entries, newest first.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<AuditEntry>> ListAsync(AuditEntryListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<AuditEntry>(Path, query ?? new AuditEntryListQuery(), cancellationToken);

    /// <summary>Every audit entry matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<AuditEntry> ListAllAsync(AuditEntryListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<AuditEntry>(Path, query ?? new AuditEntryListQuery(), cancellationToken);
}
