namespace Portal.Domain.Common;

/// <summary>Column sizes shared by the mappings and the validators.</summary>
public static class Limits
{
    public const int NameLength = 120;
    public const int MobileLength = 10;
    public const int EmailLength = 256;
    public const int AddressLineLength = 200;
    public const int AreaLength = 100;
    public const int CityLength = 100;
    public const int PinCodeLength = 6;
    public const int RouteNameLength = 80;
    public const int ProductNameLength = 100;
    public const int NoteLength = 500;
    public const int EnumLength = 30;
    public const int InvoiceNumberLength = 32;
    public const int FinancialYearLength = 7;
    public const int ReferenceLength = 100;
    public const int AuditActionLength = 60;
    public const int AuditEntityLength = 60;
}
