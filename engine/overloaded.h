#pragma once
// The "overloaded" helper for std::visit over a Step with one lambda per alternative.

namespace bellows {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace bellows
