function [passed,T] = checkDerivative(fun,x0,v,nSteps)
% [passed,T] = checkDerivative(fun,x0,v,nSteps)
%
% Taylor test of a derivative (slide "Testing", 1.). For a direction v and
% h = 2^-1, 2^-2, ..., 2^-nSteps:
%
%   E0(h) = || f(x0+h*v) - f(x0) ||                       = O(h)    (any f)
%   E1(h) = || f(x0+h*v) - f(x0) - h*J*v ||               = O(h^2)  (iff J is right)
%   E2(h) = | f(x0+h*v) - f(x0) - h*J*v - h^2/2*v'*H*v |  = O(h^3)  (iff H is the Hessian)
%
% so halving h divides E1 by 4 (order 2) when J is the derivative, and only
% by 2 (order 1) when it is not. A Gauss-Newton H is not the Hessian: its
% E2 stays order 2.
%
% Verdict: a step is usable when E1 is above the rounding noise
% noiseFactor*eps*(||f(x0)|| + ||f(x0+h*v)||). passed is true when the
% observed orders log2(E1(h_{k-1})/E1(h_k)) between consecutive usable steps
% are >= orderMin for the last lastPairs such pairs, or when no step is
% usable (E1 at the noise floor: f is linear and J is right). The table T
% does not depend on the verdict. The course's checkDerivative prints the
% table and draws a log-log plot, leaving the verdict to the reader; this
% one prints the table and the verdict and draws nothing.
%
% Inputs:
%   fun    - function handle, [f,dF] = fun(x) or [f,dF,d2F] = fun(x) where
%            f is a scalar or an array; dF is a function handle @(v) J*v,
%            or the gradient (f scalar, same number of entries as x), or the
%            Jacobian matrix (numel(f) x numel(x)); d2F (f scalar only,
%            optional) is a handle @(v) H*v or the Hessian matrix. fun(x0)
%            is first asked for three outputs; if that errors, for two
%   x0     - point, vector or matrix
%   v      - direction, same size as x0 (default: randn(size(x0)))
%   nSteps - number of step sizes h = 2^-k, k = 1..nSteps (default: 20)
%
% Outputs:
%   passed - true if E1 shows order 2 (see Verdict above)
%   T      - nSteps x 3 table [h E0 E1], or nSteps x 4 [h E0 E1 E2] when fun
%            returns a Hessian and f is scalar
%
% Called with no arguments, runs a minimal example (a right and a 1%-wrong
% gradient).

orderMin    = 1.8;   % observed order of E1 that counts as "2"
noiseFactor = 100;   % E1 below noiseFactor*eps*(|f(x0)|+|f(x0+h*v)|) is rounding noise
lastPairs   = 3;     % the verdict reads the orders of this many smallest usable steps

if nargin==0, runMinimalExample; return; end
if nargin<3 || isempty(v), v = randn(size(x0)); end
if nargin<4 || isempty(nSteps), nSteps = 20; end

[f,dF,d2F] = evaluateDerivatives(fun,x0);
if isa(dF,'function_handle')
    Jv = dF(v);
elseif numel(f)==1
    Jv = dF(:)'*v(:);                     % gradient
else
    Jv = reshape(dF*v(:),size(f));        % Jacobian matrix
end
doHessian = ~isempty(d2F) && numel(f)==1;
if doHessian
    if isa(d2F,'function_handle')
        Hv = d2F(v);
    else
        Hv = d2F*v(:);
    end
    vHv = v(:)'*Hv(:);
end

T     = zeros(nSteps, 3 + doHessian);
noise = zeros(nSteps,1);
for k=1:nSteps
    h  = 2^(-k);
    [ft,~] = fun(x0 + h*v);      % two outputs: fun may be built with deal
    T(k,1:3) = [h, norm(ft(:)-f(:)), norm(ft(:)-f(:)-h*Jv(:))];
    if doHessian
        T(k,4) = abs(ft - f - h*Jv - h^2/2*vHv);
    end
    noise(k) = noiseFactor*eps(class(f))*(norm(f(:)) + norm(ft(:)));
end

[passed,order1,usable] = taylorVerdict(T(:,3),noise,orderMin,lastPairs);
printTable(T,noise,order1,usable);
pairs = order1(~isnan(order1));
if ~any(usable)
    fprintf('PASSED: E1 is at the rounding noise for every h (f is linear and J is right)\n');
elseif isempty(pairs)
    fprintf('FAILED: no two consecutive h with E1 above the rounding noise\n');
else
    last = pairs(max(1,end-lastPairs+1):end);
    verdict = {'FAILED','PASSED'};
    fprintf('%s: order of E1 over the last usable steps [%s] (need >= %g)\n', ...
        verdict{passed+1}, sprintf(' %1.2f',last), orderMin);
end
end

function [passed,order,usable] = taylorVerdict(E1,noise,orderMin,lastPairs)
% orders log2(E1(k-1)/E1(k)) between consecutive usable steps (NaN elsewhere)
% and the verdict on the last lastPairs of them
usable = E1 > noise;
order  = pairOrders(E1,usable);
pairs  = order(~isnan(order));
if ~any(usable)
    passed = true;                       % E1 at the noise floor: f linear
else
    passed = ~isempty(pairs) && all(pairs(max(1,end-lastPairs+1):end) >= orderMin);
end
end

function order = pairOrders(E,usable)
% log2(E(k-1)/E(k)) where steps k-1 and k are both usable, NaN elsewhere
order = NaN(size(E));
both  = [false; usable(2:end) & usable(1:end-1)];
prev  = [both(2:end); false];
order(both) = log2(E(prev)./E(both));
end

function [f,dF,d2F] = evaluateDerivatives(fun,x)
% f, dF and, when fun returns one, d2F ([] otherwise). nargout(fun) is no
% help for anonymous functions, so ask for three outputs and fall back to
% two (an error that is not about the number of outputs is raised again
% by the second call).
d2F = [];
try
    [f,dF,d2F] = fun(x);
catch
    [f,dF] = fun(x);
end
end

function printTable(T,noise,order1,usable)
% the table of the course, with the observed orders
names = {'E0','E1','E2'}; nE = size(T,2)-1;
orders = NaN(size(T,1),nE);
orders(:,1) = pairOrders(T(:,2), T(:,2) > noise);
orders(:,2) = order1;
if nE==3, orders(:,3) = pairOrders(T(:,4), T(:,4) > noise); end
fprintf('%10s', 'h', names{1:nE});
orderNames = strcat({'order '},names(1:nE));
fprintf('%10s', orderNames{:});
fprintf('\n');
for k=1:size(T,1)
    fprintf('%10.3e', T(k,:));
    fprintf('%10.2f', orders(k,:));
    if ~usable(k), fprintf('  (E1 at noise)'); end
    fprintf('\n');
end
end

function runMinimalExample
% f(x) = 0.5*x'*A*x - sum(sin(x)), gradient A*x - cos(x), Hessian A + diag(sin(x))
A  = diag(1:4);
fun = @(x) quadratic(x,A,1);
x0 = (1:4)'; v = ones(4,1);
disp('Right gradient and Hessian (E1 order 2, E2 order 3):');
passedRight = checkDerivative(fun, x0, v, 10);
disp('Gradient 1% off (E1 order 1):');
passedWrong = checkDerivative(@(x) quadratic(x,A,1.01), x0, v, 10);
fprintf('right gradient passed: %d, wrong gradient passed: %d\n', passedRight, passedWrong);
end

function [f,g,H] = quadratic(x,A,scale)
f = 0.5*x'*A*x - sum(sin(x));
g = scale*(A*x - cos(x));
H = A + diag(sin(x));
end
