//! The servers behind a gateway (`--to ADDRESS|PREFIX`): one IPv4 or IPv6 address, or a
//! network written as its address and prefix length, validated so that a typo cannot widen it.

use std::net::IpAddr;

/// The two address families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// Both families, IPv4 first.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// `IPv4`, `IPv6`.
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// An address, or a network (`10.0.2.0/24`, `fd00::/64`) whose host bits are all zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Network {
    /// The address.
    pub address: IpAddr,
    /// The prefix length; the address's full length for one address.
    pub prefix: u8,
}

impl Network {
    /// The address family.
    pub fn family(self) -> Family {
        match self.address {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    fn full(address: IpAddr) -> u8 {
        if address.is_ipv4() { 32 } else { 128 }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix == Network::full(self.address) {
            write!(f, "{}", self.address)
        } else {
            write!(f, "{}/{}", self.address, self.prefix)
        }
    }
}

impl std::str::FromStr for Network {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (address, prefix) = text.split_once('/').map_or((text, None), |(a, p)| (a, Some(p)));
        let address: IpAddr = address.parse().map_err(|_| {
            format!("{address:?} is not an IPv4 or IPv6 address; expected e.g. 10.0.2.10, 10.0.2.0/24 or fd00::/64")
        })?;
        let full = Network::full(address);
        let prefix = match prefix {
            None => full,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) && n <= full => n,
                _ => return Err(format!("/{p} is not a prefix length for {address} (0-{full})")),
            },
        };
        if prefix == 0 {
            return Err(format!("{text} is every address; name the servers' network"));
        }
        let bits = match address {
            IpAddr::V4(a) => u128::from(u32::from(a)) << 96,
            IpAddr::V6(a) => u128::from(a),
        };
        // Both families top-aligned in 128 bits: the host part is everything after the prefix.
        let host = if prefix >= 128 { 0 } else { u128::MAX >> prefix };
        if bits & host != 0 {
            let network = match address {
                IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(((bits & !host) >> 96) as u32)),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(bits & !host)),
            };
            return Err(format!("{text} has host bits set; the network is {network}/{prefix}"));
        }
        Ok(Network { address, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_networks_are_read_exactly() {
        let n: Network = "10.0.2.0/24".parse().unwrap();
        assert_eq!((n.to_string(), n.family()), ("10.0.2.0/24".to_string(), Family::V4));
        assert_eq!("10.0.2.10".parse::<Network>().unwrap().to_string(), "10.0.2.10");
        assert_eq!("10.0.2.10/32".parse::<Network>().unwrap().to_string(), "10.0.2.10");
        let n: Network = "fd00:0::/64".parse().unwrap();
        assert_eq!((n.to_string(), n.family()), ("fd00::/64".to_string(), Family::V6));
        assert_eq!("fd00::2".parse::<Network>().unwrap().prefix, 128);
    }

    #[test]
    fn typos_and_wide_networks_are_refused_with_the_reason() {
        let e = |t: &str| t.parse::<Network>().unwrap_err();
        assert_eq!(e("10.0.2.10/24"), "10.0.2.10/24 has host bits set; the network is 10.0.2.0/24");
        assert_eq!(e("fd00::1/64"), "fd00::1/64 has host bits set; the network is fd00::/64");
        assert!(e("10.0.2.0/33").contains("not a prefix length"));
        assert!(e("10.0.2.0/+8").contains("not a prefix length"));
        assert!(e("0.0.0.0/0").contains("every address"));
        assert!(e("::/0").contains("every address"));
        assert!(e("10.0.2").contains("not an IPv4 or IPv6 address"));
        assert!(e("server.example").contains("not an IPv4 or IPv6 address"));
    }
}
