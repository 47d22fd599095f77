namespace Portal.Domain.Customers;

public enum CustomerSort
{
    Name,
    Mobile,
    Area,
    PinCode,
    Route,
    Created,
}

public sealed record CustomerQuery(
    int Page = 0,
    int PageSize = 25,
    string? Search = null,
    int? RouteId = null,
    bool WithoutRoute = false,
    CustomerStatus? Status = null,
    bool WithoutPassword = false,
    CustomerSort SortBy = CustomerSort.Name,
    bool Descending = false);

public sealed record CustomerRow(
    int Id, string Name, string Mobile, string? Email, string Area, string PinCode,
    string? RouteName, int? StopOrder, CustomerStatus Status, bool HasPassword, bool IsLockedOut);

public sealed record CustomerPage(IReadOnlyList<CustomerRow> Rows, int Total);

public enum AccountState
{
    Active,
    ActivationPending,
    Locked,
    Disabled,
}

public sealed record CustomerDetails(
    int Id,
    string Name,
    string Mobile,
    string? Email,
    Address Address,
    int? RouteId,
    string? RouteName,
    int? StopOrder,
    CustomerStatus Status,
    DateTimeOffset CreatedAt,
    uint Version,
    string UserId,
    string UserName,
    AccountState Account,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? LastSignInAt,
    bool MustChangePassword);

public sealed record ActivationLink(string RelativeUrl, DateTimeOffset ExpiresAt);

public sealed record LinkCandidate(string UserId, string UserName, string DisplayName, string? Email);

public sealed record RouteOption(int Id, string Name, int Stops);
