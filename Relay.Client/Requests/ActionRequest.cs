namespace Relay.Client;

/// <summary>The optional body of an action (pause, resume, enable, disable, revoke, cancel): who asked, for the audit trail.</summary>
public sealed record ActionRequest(string? RequestedBy = null);
