using Portal.Domain.Identity;

namespace Portal.Tests.Identity;

/// <summary>People write Indian mobiles with +91, a leading 0, spaces or dashes; the portal keeps the bare ten digits.</summary>
public sealed class MobileNumberTests
{
    [Theory]
    [InlineData("9876543210")]
    [InlineData("+91 98765 43210")]
    [InlineData("+919876543210")]
    [InlineData("+91-98765-43210")]
    [InlineData("098765 43210")]
    [InlineData("09876543210")]
    [InlineData("98765-43210")]
    [InlineData("919876543210")]
    [InlineData("91 98765 43210")]
    [InlineData("(+91) 98765 43210")]
    [InlineData("  98765 43210  ")]
    public void Ways_of_writing_a_mobile_normalise_to_ten_digits(string written)
    {
        Assert.Equal("9876543210", MobileNumber.Normalise(written));
    }

    [Theory]
    [InlineData("6000000000")]
    [InlineData("7012345678")]
    [InlineData("8123456789")]
    [InlineData("9191919191")]
    public void Mobiles_starting_6_to_9_are_valid(string mobile)
    {
        Assert.Equal(mobile, MobileNumber.Normalise(mobile));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("5876543210")]
    [InlineData("0876543210")]
    [InlineData("98765abc10")]
    [InlineData("9876543210x")]
    [InlineData("98765432101")]
    [InlineData("987654321")]
    [InlineData("+1 9876543210")]
    [InlineData("+91 5876543210")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Anything_else_is_not_a_mobile(string? written)
    {
        Assert.Null(MobileNumber.Normalise(written));
    }
}
