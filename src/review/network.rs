//! IP networks, as rules name destinations: `10.0.0.0/8`, `2001:db8::/32`, `10.0.0.0/255.0.0.0`.

use std::net::IpAddr;

/// An IP network: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    /// The network's address.
    pub address: IpAddr,
    /// How many leading bits must match.
    pub prefix: u8,
}

impl Network {
    /// Whether `address` is inside the network.
    pub fn contains(&self, address: IpAddr) -> bool {
        let bits = |a: IpAddr| -> (u128, u8) {
            match a {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => (u128::from(v6), 128),
            }
        };
        let ((net, width), (addr, other)) = (bits(self.address), bits(address));
        if width != other {
            return false;
        }
        let prefix = u32::from(self.prefix.min(width));
        if prefix == 0 {
            return true;
        }
        let shift = u32::from(width) - prefix;
        net >> shift == addr >> shift
    }

    /// Reads `10.0.0.0/8`, `192.0.2.1`, `2001:db8::/32`, `10.0.0.0/255.0.0.0`.
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().ok()?;
        let width = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= width => n,
                Ok(_) => return None,
                // A netmask (Windows, iptables-save of old): its leading ones.
                Err(_) => match p.parse::<IpAddr>().ok()? {
                    IpAddr::V4(mask) => {
                        let bits = u32::from(mask);
                        (bits.leading_ones() + bits.trailing_zeros() == 32).then_some(bits.leading_ones() as u8)?
                    }
                    IpAddr::V6(_) => return None,
                },
            },
        };
        Some(Network { address, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_contain_their_addresses() {
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(!net.contains("::1".parse().unwrap()));
        assert_eq!(Network::parse("10.0.0.0/255.255.0.0").unwrap().prefix, 16);
        assert!(Network::parse("10.0.0.0/255.0.255.0").is_none());
        assert!(Network::parse("2001:db8::/32").unwrap().contains("2001:db8::5".parse().unwrap()));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains("192.0.2.1".parse().unwrap()));
        assert!(Network::parse("192.0.2.1").unwrap().contains("192.0.2.1".parse().unwrap()));
        assert!(Network::parse("x").is_none() && Network::parse("10.0.0.0/33").is_none());
    }
}
